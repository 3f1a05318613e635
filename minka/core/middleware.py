from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Spanish unless the user chose another language (the switch sets a cookie).

    The browser's Accept-Language is deliberately ignored: shared office laptops and phones bought
    abroad would otherwise show a language the user never picked."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.offered = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.offered else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
