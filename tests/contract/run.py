#!/usr/bin/env python3
"""The API contract test: does the running portal keep the promises of docs/openapi.yaml?

Starts the local stack with the demo practice on a free port, then runs schemathesis (a
property-based OpenAPI tester) against it once per role: a patient, a caregiver and each staff
role. Every generated request, valid or not, must be answered without a server error and with a
status code, content type, headers and body that the document lists for that operation. The
stack is stopped at the end, whatever happened.

    make contract                            # what `make test` runs
    .venv/bin/python tests/contract/run.py --roles frontdesk --max-examples 50
    .venv/bin/python tests/contract/run.py --roles patient -- --continue-on-failure

Arguments after `--` go to every `schemathesis run`.

Run from the repository root with schemathesis installed (`make venv`). The seed is fixed, so a
run is repeatable; a failure prints the curl command that reproduces it.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).absolute().parents[2]
SCHEMA = ROOT / "docs" / "openapi.yaml"
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Built by `make contract` (cargo build -p portal-local) before this runs.
PORTAL_LOCAL = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug" / "portal-local"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)

# In this order. Each role's run changes the demo data the next one sees (that is fine: every
# answer must conform whatever state the data is in), so the order keeps each role's demo user
# able to act: the caregiver goes before the patient (whose run may revoke the caregiver's
# access, following a link from her care circle), the staff after them, and `admin` last
# (disabling a staff account or changing its roles would take a later role's user away).
# Nothing is excluded: the routes that could sign a demo user out or change their password
# (sign-out, password reset, new password) need a refresh token, a code or a session that the
# tester never has, so they only ever see refused input.
ROLES = ["caregiver", "patient", "clinician", "frontdesk", "response", "portallead", "admin"]

# Every role runs the examples in the document, random (fuzzing) and stateful tests on every
# operation: what each role is answered differs (views, 403s, 404s).
PHASES = "examples,fuzzing,stateful"
# The coverage phase (boundary values and systematically broken input: every missing or
# mistyped field, header and content type) checks input handling, which is the same for every
# role that gets past authorisation; a role that may not call an operation is answered 403
# before its input is read. So it runs once per operation, as a role that may call it, which
# keeps the whole test within a few minutes.
COVERAGE = {
    "patient": "^/(?!staff/|admin/|rollout/|feedback/|support/)",  # own compartment, /account, public routes
    "frontdesk": "^/staff/",
    "portallead": "^/(rollout|feedback)/",
    "response": "^/support/",
    "admin": "^/admin/",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated, in order")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--max-examples", type=int, default=5, help="per operation and phase")
    parser.add_argument("--startup-timeout", type=float, default=300.0)
    parser.add_argument("schemathesis_args", nargs="*", help="after --: more schemathesis options")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="portal-contract-") as tmp:
        stack_file = Path(tmp) / "stack.json"
        stack = start_stack(stack_file, Path(tmp) / "stack.log")
        # SIGTERM (a CI time-out, make being stopped) stops the stack too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            api = wait_for_stack(stack, stack_file, args.startup_timeout, Path(tmp) / "stack.log")
            ids = demo_ids(stack_file, api)
            failed = []
            for role in args.roles.split(","):
                if not run_role(role, api, stack_file, ids, args):
                    failed.append(role)
        finally:
            stop_stack(stack)
    if failed:
        print(f"contract: the API broke docs/openapi.yaml as {', '.join(failed)}", file=sys.stderr)
        return 1
    print("contract: every role's answers kept docs/openapi.yaml")
    return 0


def start_stack(stack_file: Path, log: Path) -> subprocess.Popen:
    """`portal-local up --seed demo` on a free port (port 0), logging to a file."""
    if not PORTAL_LOCAL.is_file():
        raise SystemExit(f"contract: {PORTAL_LOCAL} is missing: cargo build -p portal-local")
    command = [str(PORTAL_LOCAL), "up", "--seed", "demo", "--port", "0"]
    command += ["--stack-file", str(stack_file)]
    print("contract: starting the local stack with the demo practice", flush=True)
    with open(log, "wb") as out:
        # Its own process group, so that stopping it stops moto too.
        return subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def wait_for_stack(stack, stack_file: Path, timeout: float, log: Path) -> str:
    """The API's URL, once the stack file is written (after seeding) and the API answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.poll() is not None:
            sys.stdout.write(log.read_text(errors="replace"))
            raise SystemExit(f"contract: the local stack exited with {stack.returncode}")
        if stack_file.exists():
            api = json.loads(stack_file.read_text())["apiUrl"]
            try:
                urllib.request.urlopen(api + "/visit-types", timeout=5)
            except urllib.error.HTTPError:
                return api  # 401 without a token: it answers.
            except OSError:
                pass
            else:
                return api
        time.sleep(1)
    sys.stdout.write(log.read_text(errors="replace"))
    raise SystemExit(f"contract: the local stack did not answer within {timeout:.0f} s")


def stop_stack(stack: subprocess.Popen) -> None:
    if stack.poll() is None:
        os.killpg(stack.pid, signal.SIGTERM)
        try:
            stack.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
            stack.wait()
    print("contract: local stack stopped", flush=True)


def token(who: str, stack_file: Path) -> str:
    command = [str(PORTAL_LOCAL), "token", who, "--stack-file", str(stack_file)]
    return subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def call(api: str, path: str, bearer: str, body=None) -> dict:
    headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"}
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(api + path, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def demo_ids(stack_file: Path, api: str) -> dict:
    """Ids of objects that exist in the demo practice, so that the tester's requests reach them
    instead of being answered 404 at the door: the first patient (whom the caregiver acts for),
    one of her conversations and records, a provider, a visit she books with them now, and the
    portal lead's first idea, poll and weekly digest, the response team's demo report, incident
    and announcement, and the demo refill request (the second patient's, in the clinicians' queue)."""
    users = json.loads(stack_file.read_text())["users"]
    patient = next(u for u in users if u["role"] == "patient1")
    bearer = token("patient1", stack_file)
    lead = token("portallead", stack_file)
    team = token("response", stack_file)
    clinician = token("clinician", stack_file)
    provider = call(api, "/providers", bearer)["items"][0]["providerId"]
    slot = call(api, f"/providers/{provider}/slots?visitType=follow-up", bearer)["items"][0]
    booking = {"providerId": provider, "visitType": "follow-up", "start": slot["start"],
               "reason": "Blood pressure check"}
    return {
        "PATIENT_ID": patient["patientId"],
        "PROVIDER_ID": provider,
        "CONVERSATION_ID": call(api, "/patients/me/conversations", bearer)["items"][0][
            "conversationId"],
        "RECORD_ID": call(api, "/patients/me/records", bearer)["items"][0]["recordId"],
        "APPOINTMENT_ID": call(api, "/patients/me/appointments", bearer, booking)["appointmentId"],
        # The demo's feature ideas and its open poll of staff and other practices.
        "IDEA_ID": call(api, "/feedback/ideas", lead)["items"][0]["ideaId"],
        "POLL_ID": call(api, "/feedback/polls", lead)["items"][0]["pollId"],
        # The demo's problem report (the first patient's) and its resolved incident.
        "REPORT_ID": call(api, "/support/reports", team)["items"][0]["reportId"],
        "INCIDENT_ID": call(api, "/support/incidents", team)["items"][0]["incidentId"],
        # The demo's announcement to every patient (published, so patients may read it).
        "ANNOUNCEMENT_ID": call(api, "/support/announcements", team)["items"][0]["announcementId"],
        # The demo's weekly digest (the week due when the stack was seeded), the portal lead's.
        "DIGEST_ID": call(api, "/support/digests", lead)["items"][0]["digestId"],
        # The demo's refill request (the second patient's: the first patient's own routes answer
        # 404 for it, as for any other patient's request).
        "REFILL_ID": call(api, "/staff/refills?state=all", clinician)["items"][0]["refillId"],
        # The directory's first demo pharmacy (anyone signed in lists them).
        "PHARMACY_ID": call(api, "/pharmacies", bearer)["items"][0]["pharmacyId"],
    }


def run_role(role: str, api: str, stack_file: Path, ids: dict, args) -> bool:
    env = dict(os.environ, **ids)
    # A patient names their own record `me`; everyone else the first patient's id.
    env["CONTRACT_PATIENT_ID"] = "me" if role.startswith("patient") else ids["PATIENT_ID"]
    env["CONTRACT_TOKEN"] = token(role, stack_file)
    base = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run"]
    base += [str(SCHEMA), "--url", api, "--checks", CHECKS, "--seed", str(args.seed)]
    base += ["--max-examples", str(args.max_examples), "--no-color"]
    base += args.schemathesis_args
    runs = [["--phases", PHASES]]
    if role in COVERAGE:
        runs.append(["--phases", "coverage", "--include-path-regex", COVERAGE[role]])
    passed = True
    for extra in runs:
        print(f"\ncontract: ===== as {role}: {' '.join(extra)} =====", flush=True)
        passed &= subprocess.run(base + extra, cwd=ROOT, env=env).returncode == 0
    return passed


if __name__ == "__main__":
    sys.exit(main())
