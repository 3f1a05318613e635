"""HTTP Basic and Digest authentication for ODK Collect and KoboCollect, with the users' own
Minka accounts. Both are checked against the user's HA1 (see CollectCredential): one MD5 and one
indexed query per request. Nonces are signed timestamps, so no state is kept between requests.

Basic sends the password itself: production runs behind HTTPS (README)."""

import base64
import hmac
import re
import time


from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core import signing

from .models import CollectCredential, md5_hex

REALM = "Minka"
NONCE_SECONDS = 3600
_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^,\s]*))')


def ha1_of(username, password):
    return md5_hex(f"{username}:{REALM}:{password}".encode())


def remember(user, password):
    """Keep the user's HA1 for the phones (called when the password is known to be right)."""
    CollectCredential.objects.update_or_create(
        user=user, defaults={"ha1": ha1_of(user.get_username(), password), "password_hash": user.password})


class RememberingBackend(ModelBackend):
    """Django's own password check, which also keeps the HA1 the phones are checked against
    current whenever someone signs in on the web (or a phone signs in with Basic)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and password:
            credential = CollectCredential.objects.filter(user=user).first()
            if credential is None or credential.password_hash != user.password or \
                    not hmac.compare_digest(credential.ha1, ha1_of(user.get_username(), password)):
                remember(user, password)
        return user


def new_nonce():
    return signing.dumps(int(time.time()), salt="minka.collect.nonce", compress=False)


def _nonce_valid(nonce):
    try:
        issued = signing.loads(nonce, salt="minka.collect.nonce", max_age=NONCE_SECONDS)
    except signing.BadSignature:
        return False
    return isinstance(issued, int)


def challenge_headers():
    """The challenges offered, Digest first: clients pick Digest when they can."""
    return [f'Digest realm="{REALM}", qop="auth", nonce="{new_nonce()}", algorithm=MD5',
            f'Basic realm="{REALM}", charset="UTF-8"']


def _credential(username):
    User = get_user_model()
    credential = (CollectCredential.objects.select_related("user")
                  .filter(**{f"user__{User.USERNAME_FIELD}": username, "user__is_active": True}).first())
    # A credential made with an older password is void.
    if credential is None or credential.password_hash != credential.user.password:
        return None
    return credential


def _basic(value, request):
    try:
        username, _sep, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    credential = _credential(username)
    if credential is not None:
        if hmac.compare_digest(credential.ha1, ha1_of(username, password)):
            return credential.user
        return None
    # No usable credential yet (never signed in since the password was set): check the password the
    # slow way once; the backend then remembers the HA1.
    from django.contrib.auth import authenticate

    return authenticate(request, username=username, password=password)


def _digest(value, method):
    params = {key: quoted or bare for key, quoted, bare in _PARAM.findall(value)}
    needed = ("username", "realm", "nonce", "uri", "response")
    if any(key not in params for key in needed) or params["realm"] != REALM or not _nonce_valid(params["nonce"]):
        return None
    credential = _credential(params["username"])
    if credential is None:
        return None
    ha2 = md5_hex(f"{method}:{params['uri']}".encode())
    if params.get("qop"):
        expected = md5_hex(f"{credential.ha1}:{params['nonce']}:{params.get('nc', '')}:{params.get('cnonce', '')}:"
                           f"{params['qop']}:{ha2}".encode())
    else:
        expected = md5_hex(f"{credential.ha1}:{params['nonce']}:{ha2}".encode())
    return credential.user if hmac.compare_digest(expected, params["response"]) else None


def authenticate_openrosa(request):
    """The user of a phone request (Digest or Basic header), the session's user for the browser,
    or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "digest":
        return _digest(value, request.method)
    if scheme.lower() == "basic":
        return _basic(value, request)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None
