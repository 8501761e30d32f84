"""Forms of the nurse web app. They validate types and shapes; the services validate the record."""
