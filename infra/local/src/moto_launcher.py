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


class FairLock:
    """A lock granted in the order it was asked for.

    threading.Lock lets whichever thread the scheduler wakes take it next, so under a burst (fifty
    simultaneous bookings, a large import) one request can wait behind hundreds that came later,
    long enough for the local gateway to give up on its function. Tickets keep the wait of each
    request to the work queued ahead of it.
    """

    def __init__(self):
        self._changed = threading.Condition(threading.Lock())
        self._next_ticket = 0
        self._serving = 0

    def __enter__(self):
        with self._changed:
            ticket = self._next_ticket
            self._next_ticket += 1
            while ticket != self._serving:
                self._changed.wait()

    def __exit__(self, *exc):
        with self._changed:
            self._serving += 1
            self._changed.notify_all()


def serialise(app):
    """Wraps a WSGI app so that requests are handled one at a time.

    moto's DynamoDB checks a ConditionExpression and then applies the update as two Python steps;
    with moto_server's thread per request, another request can slip in between. The response body
    is drained inside the lock so that no lazy part of a handler runs outside it.
    """
    lock = FairLock()

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


def speed_up_dynamodb():
    """Makes moto's DynamoDB cost what one request touches, not what the whole table holds.

    moto 5.2 keeps a table as a dict of partitions, yet answers a Query on the table's own key by
    walking every item of the table, and backs up every table a TransactWriteItems names (a deep
    copy of all of it) in case it has to roll back. A test run writes tens of thousands of items,
    so each Query and transaction got slower with every test, until requests queued for minutes
    behind the serialising lock. The results are unchanged: a Query still sees exactly the items
    of its partition, and a cancelled transaction still leaves every item as it was, because the
    items it names (and only those) are copied before it starts and put back if it fails.
    Index queries still walk the table, as DynamoDB's own cost model does not matter here.
    """
    import copy

    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    partition_of_query = threading.local()
    walk_all_items = Table.all_items
    query_on_all_items = Table.query

    def all_items(self):
        partition = getattr(partition_of_query, "key", None)
        if partition is None or not self.range_key_attr:
            return walk_all_items(self)
        # .get: the table's defaultdict would otherwise grow an empty partition per miss.
        return list(self.items.get(partition, {}).values())

    def query(self, hash_key, *args, **kwargs):
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        if index_name or hash_key is None:
            return query_on_all_items(self, hash_key, *args, **kwargs)
        partition_of_query.key = hash_key
        try:
            return query_on_all_items(self, hash_key, *args, **kwargs)
        finally:
            partition_of_query.key = None

    def transact_write_items(self, transact_items):
        # moto's own implementation, with the whole-table backups replaced by item snapshots.
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        snapshots = []  # (table, hash key, range key, the item as it was or None), in order

        def rollback():
            for table, hash_key, range_key, before in reversed(snapshots):
                if before is None:
                    table.delete_item(hash_key, range_key)
                elif range_key is not None:
                    table.items[hash_key][range_key] = before
                else:
                    table.items[hash_key] = before

        target_items = set()

        def check_unicity(table_name, key):
            item = (str(table_name), str(dict(sorted(key.items()))))
            if item in target_items:
                raise MultipleTransactionsException()
            target_items.add(item)

        errors = []  # [(Code, Message, Item), ..]
        for item in transact_items:
            original_item = None
            if len(list(item.keys())) > 1:
                raise TransactWriteSingleOpException
            try:
                op_type, op = next(iter(item.items()))
                if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                    raise ValueError("Unsupported transaction operation")

                table_name = op["TableName"]
                condition_expression = op.get("ConditionExpression")
                expression_attribute_names = op.get("ExpressionAttributeNames")
                expression_attribute_values = op.get("ExpressionAttributeValues")
                return_values_on_condition_check_failure = op.get(
                    "ReturnValuesOnConditionCheckFailure"
                )

                table = self.get_table(table_name)
                if op_type == "Put":
                    attrs = op["Item"]
                    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                    if table.range_key_attr is not None:
                        key[table.range_key_attr] = attrs[table.range_key_attr]
                else:
                    key = op["Key"]

                check_unicity(table_name, key)

                hash_key, range_key = self.get_keys_value(table, key)
                current = table.get_item(hash_key, range_key)
                if op_type != "ConditionCheck":
                    snapshots.append((table, hash_key, range_key, copy.deepcopy(current)))
                if condition_expression is not None:
                    condition_op = get_filter_expression(
                        condition_expression,
                        expression_attribute_names,
                        expression_attribute_values,
                    )
                    if not condition_op.expr(current):
                        if return_values_on_condition_check_failure == "ALL_OLD" and current:
                            original_item = current.to_json()["Attributes"]
                        raise ConditionalCheckFailed(item=original_item)

                if op_type == "Put":
                    self.put_item(
                        table_name,
                        op["Item"],
                        condition_expression=condition_expression,
                        expression_attribute_names=expression_attribute_names,
                        expression_attribute_values=expression_attribute_values,
                    )
                elif op_type == "Delete":
                    self.delete_item(
                        table_name,
                        key,
                        condition_expression=condition_expression,
                        expression_attribute_names=expression_attribute_names,
                        expression_attribute_values=expression_attribute_values,
                    )
                elif op_type == "Update":
                    self.update_item(
                        table_name,
                        key,
                        update_expression=op["UpdateExpression"],
                        condition_expression=condition_expression,
                        expression_attribute_names=expression_attribute_names,
                        expression_attribute_values=expression_attribute_values,
                    )
                errors.append((None, None, None))
            except (MultipleTransactionsException, MockValidationException):
                rollback()
                raise
            except ConditionalCheckFailed as e:
                errors.append(("ConditionalCheckFailed", str(e.message), original_item))
            except Exception as e:  # noqa: E722, as moto's own: any failure cancels
                errors.append((type(e).__name__, str(e), original_item))

        if any(code is not None for code, _, _ in errors):
            rollback()
            raise TransactionCanceledException(errors)

    Table.all_items = all_items
    Table.query = query
    DynamoDBBackend.transact_write_items = transact_write_items


FAULTS_PATH = "/_portal/faults/unprocessed-writes"


class UnprocessedWrites:
    """Writes a test asks BatchWriteItem to leave unprocessed, as DynamoDB does when a table is
    short of capacity (moto itself always processes everything).

    Per partition (`PK`): the first `allow` put or delete requests for items of it are written
    as usual, every later one is returned in `UnprocessedItems` until the test clears the fault.
    Other partitions are never touched, so tests running at the same time are not disturbed.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._allowed = {}

    def set(self, partition, allow):
        with self._lock:
            self._allowed[partition] = allow

    def clear(self, partition):
        with self._lock:
            self._allowed.pop(partition, None)

    def split(self, request_items):
        """(requests to write, requests to leave unprocessed), each as RequestItems."""
        kept, held_back = {}, {}
        with self._lock:
            if not self._allowed:
                return request_items, {}
            for table, requests in request_items.items():
                for request in requests:
                    partition = self._partition_of(request)
                    allowance = self._allowed.get(partition)
                    if allowance is None or allowance > 0:
                        if allowance is not None:
                            self._allowed[partition] = allowance - 1
                        kept.setdefault(table, []).append(request)
                    else:
                        held_back.setdefault(table, []).append(request)
        return kept, held_back

    @staticmethod
    def _partition_of(request):
        body = request.get("PutRequest", {}).get("Item") or request.get("DeleteRequest", {}).get("Key") or {}
        return body.get("PK", {}).get("S")


def add_unprocessed_writes(faults):
    """Makes BatchWriteItem consult `faults` (see UnprocessedWrites)."""
    from moto.dynamodb.responses import DynamoHandler

    batch_write_item = DynamoHandler.batch_write_item

    def batch_write_item_with_faults(self):
        kept, held_back = faults.split(self.body["RequestItems"])
        if not held_back:
            return batch_write_item(self)
        self.body["RequestItems"] = kept
        result = batch_write_item(self)
        result.result["UnprocessedItems"] = held_back
        return result

    DynamoHandler.batch_write_item = batch_write_item_with_faults


MAIL_FAULTS_PATH = "/_portal/faults/throttled-mail"


class ThrottledMail:
    """Addresses a test asks SES to refuse with `TooManyRequestsException` (its sending rate
    exceeded, a retryable error), until the test clears them. Mail to any other address is sent
    as usual, so tests running at the same time are not disturbed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._addresses = set()

    def set(self, address):
        with self._lock:
            self._addresses.add(address.lower())

    def clear(self, address):
        with self._lock:
            self._addresses.discard(address.lower())

    def refuses(self, addresses):
        with self._lock:
            return any(a.lower() in self._addresses for a in addresses)


def add_throttled_mail(mail_faults):
    """Makes SES v2 SendEmail consult `mail_faults` (see ThrottledMail)."""
    import json

    from moto.core.exceptions import JsonRESTError
    from moto.sesv2.responses import SESV2Response

    send_email = SESV2Response.send_email

    def send_email_with_faults(self):
        params = json.loads(self.body or "{}")
        destination = params.get("Destination", {})
        addresses = [a for key in ("ToAddresses", "CcAddresses", "BccAddresses") for a in destination.get(key, [])]
        if mail_faults.refuses(addresses):
            raise JsonRESTError("TooManyRequestsException", "Maximum sending rate exceeded.")
        return send_email(self)

    SESV2Response.send_email = send_email_with_faults


def with_mail_fault_control(app, mail_faults):
    """PUT MAIL_FAULTS_PATH with {"address": "<email>"} makes SES refuse mail to it;
    DELETE MAIL_FAULTS_PATH?address=<email> ends that. Both answer 204."""
    import json
    from urllib.parse import parse_qs

    def app_with_mail_fault_control(environ, start_response):
        if environ.get("PATH_INFO") != MAIL_FAULTS_PATH:
            return app(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        try:
            if method == "PUT":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                mail_faults.set(str(json.loads(environ["wsgi.input"].read(length))["address"]))
            elif method == "DELETE":
                mail_faults.clear(parse_qs(environ.get("QUERY_STRING", ""))["address"][0])
            else:
                start_response("405 Method Not Allowed", [("Content-Length", "0")])
                return [b""]
        except (KeyError, ValueError, TypeError) as error:
            message = f"bad fault request: {error}".encode()
            start_response("400 Bad Request", [("Content-Length", str(len(message)))])
            return [message]
        start_response("204 No Content", [])
        return [b""]

    return app_with_mail_fault_control


def with_fault_control(app, faults):
    """Serves the test harness's requests to set and clear faults, beside moto:
    PUT FAULTS_PATH with {"partition": "<PK>", "allow": <n>} sets one;
    DELETE FAULTS_PATH?partition=<PK> clears it. Both answer 204."""
    import json
    from urllib.parse import parse_qs

    def app_with_fault_control(environ, start_response):
        if environ.get("PATH_INFO") != FAULTS_PATH:
            return app(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        try:
            if method == "PUT":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = json.loads(environ["wsgi.input"].read(length))
                faults.set(str(body["partition"]), int(body["allow"]))
            elif method == "DELETE":
                faults.clear(parse_qs(environ.get("QUERY_STRING", ""))["partition"][0])
            else:
                start_response("405 Method Not Allowed", [("Content-Length", "0")])
                return [b""]
        except (KeyError, ValueError, TypeError) as error:
            message = f"bad fault request: {error}".encode()
            start_response("400 Bad Request", [("Content-Length", str(len(message)))])
            return [message]
        start_response("204 No Content", [])
        return [b""]

    return app_with_fault_control


def main():
    host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    add_revoke_token()
    speed_up_dynamodb()
    faults = UnprocessedWrites()
    add_unprocessed_writes(faults)
    mail_faults = ThrottledMail()
    add_throttled_mail(mail_faults)

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
    app = with_fault_control(app, faults)
    app = with_mail_fault_control(app, mail_faults)

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
