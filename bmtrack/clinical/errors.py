"""The one error type of the clinical core: bad input, naming the field and what is allowed."""


class ClinicalInputError(ValueError):
    """Input outside a rule's domain.

    ``field`` is the dotted path of the offending input (``factors.kps``,
    ``timepoints[2].lesions.L1``) so the CLI, the API and forms can put the message next to it.
    """

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")

    def as_dict(self) -> dict:
        return {"error": str(self), "field": self.field}
