"""OpenAPI generation: drf-spectacular's AutoSchema, plus the error responses every operation can give.

drf-spectacular documents only the success response. A client (and schemathesis) must also know
that a bad body is a 400 naming its fields, a missing token a 401, a role without the permission a
403, an unknown or unreachable id a 404 and a constraint conflict a 409.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "An error. Validation errors map each field (dotted paths for nested input, e.g. "
        "`measurements[2].longest_diameter_mm`) to a list of messages; other errors carry `detail`."
    ),
    "additionalProperties": {},
    "example": {"birth_date": ["Birth date cannot be in the future."]},
}

_DESCRIPTIONS = {
    "400": "Invalid input: the body names each field in error.",
    "401": "Not authenticated: send `Authorization: Token <key>` or a session cookie.",
    "403": "Authenticated, but the role may not do this.",
    "404": "No such object, or one outside the user's care teams.",
    "409": "The change conflicts with a database rule (e.g. a concurrent write).",
}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        component = ResolvedComponent(name="Error", type=ResolvedComponent.SCHEMA, schema=ERROR_SCHEMA,
                                      object="Error")
        self.registry.register_on_missing(component)
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(component.ref, code, direction=direction)
                response["description"] = _DESCRIPTIONS[code]
                responses[code] = response
        return responses

    def _error_codes(self) -> list[str]:
        public = any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        codes = ["400"]
        if not public:
            codes += ["401", "403"]
        codes.append("404")
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append("409")
        return codes
