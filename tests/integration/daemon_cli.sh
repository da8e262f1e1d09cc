#!/usr/bin/env bash
# sg17d command line: --help/--version, exit codes, config errors, the token
# sub-commands, schema refusal, a busy port, and SIGINT.
set -u

. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
tap_need_bins SG17D_BIN
tap_need_tools sqlite3
tap_tmpdir

DB="$T/t.db"

# ---- help, version, usage errors ------------------------------------------
is "$(status "$SG17D_BIN" --help)" 0 "--help exits 0"
grep -q '^usage: sg17d' "$T/out" && [ ! -s "$T/err" ]
ok $? "--help prints usage on stdout only"
is "$(status "$SG17D_BIN" --version)" 0 "--version exits 0"
grep -Eq '^sg17d [0-9]+\.[0-9]+\.[0-9]+$' "$T/out"
ok $? "--version prints 'sg17d X.Y.Z' on stdout ($(cat "$T/out"))"
is "$(status "$SG17D_BIN" --no-such-flag)" 2 "unknown flag exits 2"
is "$(status "$SG17D_BIN" frobnicate)" 2 "unknown command exits 2"
is "$(status "$SG17D_BIN" --port 70000 --db "$DB")" 2 "--port 70000 exits 2"
is "$(status "$SG17D_BIN" --threads 0 --db "$DB")" 2 "--threads 0 exits 2"
is "$(status "$SG17D_BIN" --listen localhost --db "$DB")" 2 "non-numeric --listen exits 2"
is "$(status "$SG17D_BIN" --config "$T/missing.ini")" 2 "missing config file exits 2"

printf '[server]\nport = 8017\ncolour = blue\n' >"$T/bad.ini"
is "$(status "$SG17D_BIN" --config "$T/bad.ini")" 2 "unknown config key exits 2"
grep -q "bad.ini:3: unknown key \[server\] colour" "$T/err"
ok $? "config error names file, line and key ($(cat "$T/err"))"
printf '[server]\nmax_body_bytes = lots\n' >"$T/bad2.ini"
is "$(status "$SG17D_BIN" --config "$T/bad2.ini")" 2 "non-numeric max_body_bytes exits 2"
printf '[nosuch]\nkey = 1\n' >"$T/bad3.ini"
is "$(status "$SG17D_BIN" --config "$T/bad3.ini")" 2 "unknown section exits 2"

# ---- token sub-commands ---------------------------------------------------------
is "$(status "$SG17D_BIN" token create --db "$DB")" 2 "token create without --role exits 2"
is "$(status "$SG17D_BIN" token create --role root --db "$DB")" 2 "token create with an unknown role exits 2"
is "$(status "$SG17D_BIN" token create --role admin --name 'bad name' --db "$DB")" 2 \
    "token create with an invalid name exits 2"
is "$(status "$SG17D_BIN" --role admin --db "$DB")" 2 "--role outside 'token create' exits 2"
is "$(status "$SG17D_BIN" token frob --db "$DB")" 2 "unknown token command exits 2"
is "$(status "$SG17D_BIN" token revoke --db "$DB")" 2 "token revoke without a name exits 2"

for role in admin author device analyst administration; do
    is "$(status "$SG17D_BIN" token create --role "$role" --db "$DB")" 0 "token create --role $role"
    grep -Eq '^sg17_[0-9a-f]{64}$' "$T/out" && [ "$(wc -l <"$T/out")" -eq 1 ]
    ok $? "  prints exactly the token on stdout"
    cp "$T/out" "$T/tok_$role"
done
sort -u "$T"/tok_* | wc -l >"$T/uniq"
is "$(cat "$T/uniq")" 5 "five distinct tokens"
is "$(status "$SG17D_BIN" --db "$DB" token create --role device --name dev-01)" 0 \
    "global --db before 'token' works, --name sets the name"
is "$(status "$SG17D_BIN" token create --role device --name dev-01 --db "$DB")" 2 \
    "a duplicate name exits 2"
is "$(status "$SG17D_BIN" token list --db "$DB")" 0 "token list exits 0"
is "$(wc -l <"$T/out")" 6 "token list shows six tokens"
grep -Eq $'^dev-01\tdevice\t[0-9T:-]+Z\tactive$' "$T/out"
ok $? "token list line: name, role, created, status"
grep -Eq $'^administration-[0-9a-f]{8}\tadministration\t' "$T/out"
ok $? "a default name is <role>-<8 hex>"
if grep -q sg17_ "$T/out"; then r=1; else r=0; fi
ok $r "token list never shows a token"
is "$(status "$SG17D_BIN" token revoke dev-01 --db "$DB")" 0 "token revoke exits 0"
is "$(status "$SG17D_BIN" token revoke dev-01 --db "$DB")" 1 "revoking it again exits 1"
is "$(status "$SG17D_BIN" token revoke nobody --db "$DB")" 1 "revoking an unknown name exits 1"
"$SG17D_BIN" token list --db "$DB" 2>/dev/null | grep -Eq $'^dev-01\tdevice\t.*\trevoked [0-9T:-]+Z$'
ok $? "token list shows the revocation time"

# ---- store failures ------------------------------------------------------------------
is "$(status "$SG17D_BIN" --db "$T/no/such/dir/x.db" token list)" 3 "unopenable database exits 3"
cp "$DB" "$T/future.db"
sqlite3 "$T/future.db" 'PRAGMA user_version = 999'
is "$(status "$SG17D_BIN" --db "$T/future.db" --port 0)" 3 "a newer schema than ours exits 3"
grep -q 'newer than this sg17d' "$T/err"
ok $? "  and says why"
is "$(sqlite3 "$T/future.db" 'PRAGMA user_version')" 999 "  and leaves the database alone"

# ---- busy port, SIGINT ----------------------------------------------------------------------
if sg17d_run "$T/d1.log" "$SG17D_BIN" --db "$DB" --port 0 --threads 1; then
    ok 0 "daemon starts with --threads 1 on port $PORT"
    is "$(status "$SG17D_BIN" --db "$T/other.db" --port "$PORT")" 4 "a busy port exits 4"
    sg17d_stop 2 INT
    is "$STATUS" 0 "SIGINT stops the daemon with exit 0"
    grep -q 'stopping on SIGINT' "$T/d1.log"
    ok $? "  and logs it"
else
    ok 1 "daemon starts with --threads 1"
    sed 's/^/# /' "$T/d1.log"
    sg17d_kill
fi

# ---- idle-connection timeout, /healthz when the database breaks -------------------------
printf '[server]\ntimeout_s = 1\nport = 0\n[store]\npath = %s\n' "$T/h.db" >"$T/h.ini"
if sg17d_run "$T/d2.log" "$SG17D_BIN" --config "$T/h.ini"; then
    if command -v curl >/dev/null 2>&1; then
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$URL/healthz")
        is "$code" 200 "/healthz 200 on a fresh database"
    fi
    # An idle connection must be closed by the server after timeout_s = 1,
    # long before the 6 s of the local timeout.
    start=$(date +%s)
    exec 3<>"/dev/tcp/127.0.0.1/$PORT"
    timeout 6 cat <&3 >/dev/null
    r=$?
    exec 3<&-
    elapsed=$(($(date +%s) - start))
    [ "$r" -ne 124 ] && [ "$elapsed" -le 4 ]
    ok $? "an idle connection is closed after timeout_s (${elapsed}s)"
    if command -v curl >/dev/null 2>&1; then
        sqlite3 "$T/h.db" 'DROP TABLE schema_migrations'
        code=$(curl -s -o "$T/hb" -w '%{http_code}' --max-time 10 "$URL/healthz")
        is "$code" 503 "/healthz 503 once the database is broken"
        grep -q '"error":"store_unavailable"' "$T/hb"
        ok $? "  with a JSON error body"
    fi
    sg17d_stop 2
    is "$STATUS" 0 "  and still stops cleanly"
else
    ok 1 "daemon starts from a config file with port = 0"
    sed 's/^/# /' "$T/d2.log"
    sg17d_kill
fi

tap_done
