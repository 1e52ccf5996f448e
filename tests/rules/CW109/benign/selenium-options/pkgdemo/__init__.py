def chrome_options(extension_dir):
    """Called by the user's test suite to start a browser with their own extension."""
    return ["--headless", "--load-extension=" + extension_dir]
