"""Runs moto's server for portal-local, tied to the life of its parent.

Usage: python moto_launcher.py HOST PORT MODE
  PORT 0 lets the kernel pick a free port; the chosen one is printed as "PORT <n>" on stdout.
  MODE is "serialised" (one request at a time, so conditional writes are atomic as in DynamoDB)
  or "threaded" (moto_server's own behaviour).

The server stops when stdin reaches end-of-file. The parent holds the write end of that pipe and
never writes to it; the kernel closes it when the parent exits for any reason (including SIGKILL
or a test binary that never runs destructors), so the server cannot outlive the parent.
"""

import logging
import os
import signal
import sys
import threading


def serialise(app):
    """Wraps a WSGI app so that requests are handled one at a time.

    moto's DynamoDB checks a ConditionExpression and then applies the update as two Python steps;
    with moto_server's thread per request, another request can slip in between. The response body
    is drained inside the lock so that no lazy part of a handler runs outside it.
    """
    lock = threading.Lock()

    def serialised_app(environ, start_response):
        with lock:
            body = app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()

    return serialised_app


def add_revoke_token():
    """Adds Cognito's RevokeToken, which moto (5.2) lacks, as AWS documents it: the refresh token
    (issued to that app client) can no longer be used; an unknown or already revoked token is no
    error. Tokens issued from it earlier stay valid until they expire, as ID tokens do at an API
    Gateway Cognito authorizer."""
    from moto.cognitoidp.exceptions import ResourceNotFoundError
    from moto.cognitoidp.responses import CognitoIdpResponse
    from moto.core.responses import EmptyResult

    if hasattr(CognitoIdpResponse, "revoke_token"):
        return

    def revoke_token(self):
        token = self._get_param("Token")
        client_id = self._get_param("ClientId")
        for pool in self.backend.user_pools.values():
            if client_id in pool.clients:
                issued = pool.refresh_tokens.get(token)
                if issued is not None and issued[0] == client_id:
                    pool.refresh_tokens[token] = None
                return EmptyResult()
        raise ResourceNotFoundError(client_id)

    CognitoIdpResponse.revoke_token = revoke_token


def main():
    host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    add_revoke_token()

    # The parent decides when we stop: Ctrl-C in a terminal reaches the whole process group,
    # and the parent still needs moto while it shuts down gracefully.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # One line per request from werkzeug would drown the parent's own logs; errors still show.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    from werkzeug.serving import make_server
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )

    app = DomainDispatcherApplication(create_backend_app)
    if mode == "serialised":
        app = serialise(app)
    elif mode != "threaded":
        sys.exit(f"unknown mode {mode!r}")

    server = make_server(host, port, app, threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_port}", flush=True)
    # The parent stops reading stdout after the port line; anything moto prints later goes to
    # stderr instead of filling a pipe nobody drains.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    sys.stdin.buffer.read()
    # Exit at once: daemon threads may be mid-request and there is nothing to flush.
    os._exit(0)


if __name__ == "__main__":
    main()
