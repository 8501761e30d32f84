"""FHIR R4 exchange of one patient's record (HL7 mCODE profiles where they fit)."""
