"""Single sign-on views."""
