"""Validates config files against a JSON Schema, for the `schema` integration tests.

Usage: validate_config.py SCHEMA CONFIG...

Configs may be TOML or JSON (by extension). Prints one line per violation as
`<config>: <json path>: <message>` and exits 1 when there is any, 0 when all
configs are valid, and 3 when the `jsonschema` package is missing (it comes
with cfn-lint, which scripts/setup-tools installs into .venv-aws).
"""

import json
import sys
import tomllib

try:
    import jsonschema
except ImportError:
    print("the `jsonschema` package is not importable: run scripts/setup-tools", file=sys.stderr)
    sys.exit(3)


def load(path):
    with open(path, "rb") as handle:
        if path.endswith(".toml"):
            return tomllib.load(handle)
        return json.load(handle)


def main(schema_path, config_paths):
    schema = load(schema_path)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    failures = 0
    for path in config_paths:
        for error in sorted(validator.iter_errors(load(path)), key=lambda e: e.json_path):
            print(f"{path}: {error.json_path}: {error.message}")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
