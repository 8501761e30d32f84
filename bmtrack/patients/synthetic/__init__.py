"""A realistic synthetic cohort for scale tests and benchmarks (``manage.py generate_cohort``).

- ``histories``: one patient's record as plain rows, from a seed (no database);
- ``copying``: ``COPY`` writers and id reservation (PostgreSQL);
- ``derive``: GPA, responses, due items and watch windows in bulk, equal to the services' rows;
- ``cohort``: staff, chunks, worker processes, ``ANALYZE``.

PostgreSQL only: the fast path is ``COPY``. Names, MRNs and study UIDs are invented.
"""
