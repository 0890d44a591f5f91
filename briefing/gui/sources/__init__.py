"""The Sources screen: the list of cited sources and the form that edits one."""
