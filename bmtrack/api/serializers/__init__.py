"""API serializers, one module per resource group (patients, records, derived, calculators, boards)."""
