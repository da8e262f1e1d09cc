#!/usr/bin/env bash
# consult_cli.sh, the whole of it, against the SQLite store (sg17 consult --db
# via $SG17_CONSULT_DB) instead of the directory store.
CONSULT_BACKEND=db exec bash "$(dirname "$0")/consult_cli.sh"
