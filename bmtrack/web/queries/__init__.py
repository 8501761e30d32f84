"""Read models of the web pages: each builds one page's data in a fixed number of queries."""
