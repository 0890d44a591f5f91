"""The Charts screen: chart list, live matplotlib preview, and export as images or a slide deck."""
