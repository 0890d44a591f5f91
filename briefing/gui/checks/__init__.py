"""The Checks screen: every problem the evidence checks find, with a jump to what to fix."""
