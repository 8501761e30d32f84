"""Views of the nurse web app, one module per page; htmx partials beside the page they update."""
