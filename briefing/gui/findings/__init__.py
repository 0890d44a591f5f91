"""The Findings screen: a searchable, filterable table of findings beside the finding editor."""
