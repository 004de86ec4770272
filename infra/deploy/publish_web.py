"""Publish the built web app (web/dist) to the stack's bucket, with its runtime configuration.

Run by `make deploy` after `sam deploy`:

    python infra/deploy/publish_web.py [--stack-name NAME] [--region REGION] [--dist web/dist]

It reads the stack's outputs (ApiUrl, UserPoolId, UserPoolClientId, WebBucketName,
WebDistributionId, WebUrl) and its PracticeTimeZone parameter, writes config.json beside the
app, uploads every file with its content type and cache policy (index.html and config.json are
revalidated on every load; hashed assets are cached for a year), and invalidates the two files
that name everything else. It warns when AllowedWebOrigin is not the app's address, because the
browser would then be refused every answer.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import pathlib
import sys
import time
import tomllib

import boto3

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Files that name the others: never cached without revalidation.
ENTRY_FILES = {"index.html", "config.json"}
YEAR = 365 * 24 * 60 * 60


def samconfig_value(name: str) -> str | None:
    """A deploy setting from samconfig.toml (what `sam deploy --guided` saved), if any."""
    path = ROOT / "samconfig.toml"
    if not path.is_file():
        return None
    config = tomllib.loads(path.read_text()).get("default", {})
    for section in ("deploy", "global"):
        value = config.get(section, {}).get("parameters", {}).get(name)
        if value:
            return str(value)
    return None


def cache_control(key: str) -> str:
    if key in ENTRY_FILES:
        return "no-cache"
    if key.startswith("assets/"):
        # Vite names every asset by its content hash.
        return f"public, max-age={YEAR}, immutable"
    return "public, max-age=300"


def content_type(key: str) -> str:
    guessed, _ = mimetypes.guess_type(key)
    if key.endswith(".js") or key.endswith(".mjs"):
        return "text/javascript; charset=utf-8"
    if guessed and (guessed.startswith("text/") or guessed == "application/json"):
        return f"{guessed}; charset=utf-8"
    return guessed or "application/octet-stream"


def runtime_config(outputs: dict[str, str], parameters: dict[str, str]) -> dict[str, str]:
    return {
        "apiUrl": outputs["ApiUrl"],
        "userPoolId": outputs["UserPoolId"],
        "clientId": outputs["UserPoolClientId"],
        "practiceTimeZone": parameters.get("PracticeTimeZone", "America/New_York"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-name", default=samconfig_value("stack_name") or "patient-portal")
    parser.add_argument("--region", default=samconfig_value("region"))
    parser.add_argument("--dist", default=str(ROOT / "web" / "dist"))
    args = parser.parse_args()

    dist = pathlib.Path(args.dist)
    if not (dist / "index.html").is_file():
        print(f"{dist}/index.html is missing: build the app first (make web-build)", file=sys.stderr)
        return 1

    session = boto3.Session(region_name=args.region)
    stack = session.client("cloudformation").describe_stacks(StackName=args.stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    missing = [k for k in ("ApiUrl", "UserPoolId", "UserPoolClientId", "WebBucketName",
                           "WebDistributionId", "WebUrl") if k not in outputs]
    if missing:
        print(f"stack {args.stack_name} lacks the outputs {missing}: deploy the template first",
              file=sys.stderr)
        return 1

    (dist / "config.json").write_text(json.dumps(runtime_config(outputs, parameters), indent=2) + "\n")

    s3 = session.client("s3")
    bucket = outputs["WebBucketName"]
    files = sorted(p for p in dist.rglob("*") if p.is_file())
    # Assets first, the entry files last: a visitor never gets an index naming missing files.
    files.sort(key=lambda p: p.relative_to(dist).as_posix() in ENTRY_FILES)
    for path in files:
        key = path.relative_to(dist).as_posix()
        s3.upload_file(
            str(path), bucket, key,
            ExtraArgs={"ContentType": content_type(key), "CacheControl": cache_control(key)},
        )
    print(f"uploaded {len(files)} files to s3://{bucket}")

    session.client("cloudfront").create_invalidation(
        DistributionId=outputs["WebDistributionId"],
        InvalidationBatch={
            "Paths": {"Quantity": 2, "Items": ["/index.html", "/config.json"]},
            "CallerReference": f"publish-{int(time.time())}",
        },
    )
    web_url = outputs["WebUrl"]
    print(f"the web app: {web_url}")
    origin = parameters.get("AllowedWebOrigin", "")
    if origin != web_url:
        print(
            f"warning: AllowedWebOrigin is {origin!r}, not {web_url!r}: browsers will be refused "
            f"the API's answers. Deploy again with --parameter-overrides AllowedWebOrigin={web_url} "
            "(or your custom domain in front of it).",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
