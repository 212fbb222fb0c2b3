"""Real concurrent requests for tests: each thread its own signed-in client, session and connection."""

import re
import threading

from flask import g

from tests.factories import PASSWORD


def signed_in_client(app, username: str, password: str = PASSWORD):
    g.pop("_login_user", None)  # the test's app context (and its g) outlives each request
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.data[:300]
    return client


def post_together(app, username: str, requests: list[tuple[str, dict]]) -> list[tuple[int, str]]:
    """POST every (url, data) at the same moment; returns (status, flashed messages) per request."""
    clients = [signed_in_client(app, username) for _ in requests]
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(index):
        url, data = requests[index]
        barrier.wait()
        try:
            response = clients[index].post(url, data=data, follow_redirects=True)
        except Exception as exc:  # noqa: BLE001 - a 500 in the testing app surfaces as the exception
            results[index] = (500, f"{type(exc).__name__}: {exc}")
            return
        body = response.data.decode()
        messages = re.findall(r'role="alert">\s*([^<]*?)\s*<', body) + re.findall(
            r'class="invalid-feedback[^"]*">\s*([^<]*?)\s*<', body
        )
        results[index] = (response.status_code, " ".join(messages))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
