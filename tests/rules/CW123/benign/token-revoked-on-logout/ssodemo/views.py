import httpx
from django.contrib.auth import logout
from django.http import HttpResponseRedirect


def logout_view(request):
    token = request.session.get("sso_access_token")
    logout(request)
    if token:
        # the provider forgets the token; nothing to read back
        httpx.post("https://oauth.example.com/o/revoke", params={"token": token}, timeout=10)
    return HttpResponseRedirect("/")
