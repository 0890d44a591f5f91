"""The Briefing screen: audience picker, per-audience selection and order, live PDF preview, export."""
