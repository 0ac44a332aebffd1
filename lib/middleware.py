from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Everything is served from our own origin (htmx is vendored), so the policy can stay strict.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # School PCs are shared: what a signed-in person saw (grids, profiles, passeports, exports, downloads) must
        # not stay in the browser's cache for the next one. A view that set its own Cache-Control keeps it.
        # The header is tested first: a view that set its own (/sante/) never loads the user, hence no session read.
        if "Cache-Control" in response.headers:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "private, no-store"
        return response
