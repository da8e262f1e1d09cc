#!/usr/bin/env bash
# sg17 vehicle end to end on a generated capture: convert, train, detect
# (JSON Lines with evidence), eval --json keys and counts, online learning,
# signed ML-DSA-65 reports (valid, tampered), V2X check, error exits.
set -u
. "$(dirname "$0")/../harness/tap.sh"
tap_need_bins SG17_BIN
tap_tmpdir
# clean: 100 Hz id 100 with a counter nibble, 50 Hz id 200 constant; 60 s
awk 'BEGIN { for (i = 0; i < 6000; i++) { t = 1000 + i * 0.01 + (i % 7) * 0.0003;
      printf "(%.6f) can0 100#%02X00AA\n", t, i % 16;
      if (i % 2 == 0) printf "(%.6f) can0 200#11223344\n", t + 0.004 } }' > "$T/clean.log"
# attack: same traffic for 60 s plus, from t=1030, one injected 100 frame per second
# (random phase, wrong constant byte) and an unknown id 7E0
awk 'BEGIN { srand(7); for (i = 0; i < 6000; i++) { t = 2000 + i * 0.01 + (i % 7) * 0.0003;
      printf "(%.6f) can0 100#%02X00AA\n", t, i % 16;
      if (i % 2 == 0) printf "(%.6f) can0 200#11223344\n", t + 0.004;
      if (i >= 3000 && i % 100 == 0) { printf "(%.6f) can0 100#%02X55AA atk\n", t + 0.0061, int(rand()*16);
                                       printf "(%.6f) can0 7E0#0102 atk\n", t + 0.0072 } } }' > "$T/attack.log"

is "$(status "$SG17_BIN" vehicle convert "$T/attack.log" -o "$T/attack.csv")" 0 "convert candump -> interchange CSV"
is "$(head -1 "$T/attack.csv")" "timestamp,id,dlc,data,label" "interchange header"
is "$(grep -c ',atk$' "$T/attack.csv")" 60 "60 labelled attack rows kept"
is "$(status "$SG17_BIN" vehicle train "$T/clean.log" -o "$T/p.prof")" 0 "train on the clean capture"
is "$(status "$SG17_BIN" vehicle detect --profile "$T/p.prof" "$T/clean.log")" 0 "clean capture: no alerts (exit 0)"
is "$(status "$SG17_BIN" vehicle detect --profile "$T/p.prof" "$T/attack.csv")" 1 "attack capture: alerts (exit 1)"
cp "$T/out" "$T/alerts.jsonl"
is "$(grep -c '"detector":"unknown-id","id":"7E0"' "$T/alerts.jsonl")" 30 "30 unknown-id alerts for 7E0"
ok "$(grep -q '"evidence":"frame 7E0#0102' "$T/alerts.jsonl"; echo $?)" "alerts carry the frame as evidence"
is "$(status "$SG17_BIN" vehicle eval --json --profile "$T/p.prof" "$T/attack.csv")" 0 "eval --json"
python3 - "$T/out" <<'PY' >"$T/py" 2>&1
import json, sys
d = json.loads(open(sys.argv[1]).read())
keys = "capture frames attack_frames tp fp fn precision recall f1 latency_s false_alarms_per_hour frames_per_s by_label".split()
assert all(k in d for k in keys), d.keys()
assert d["attack_frames"] == 60 and d["tp"] == 60 and d["fp"] == 0, d
assert d["by_label"]["atk"]["tp"] == 60
assert d["latency_s"] is not None and d["latency_s"] < 0.05
# alarm episodes: the injections (one per second) form one alarm, a true one
assert d["alarms"] == 1 and d["false_alarms"] == 0, d
assert d["false_alarms_per_hour"] == 0 and d["fp_frames_per_hour"] == 0, d
print("ok")
PY
is "$(cat "$T/py")" "ok" "eval: 60/60 attack frames, 0 false alarms, all keys present"
is "$(status "$SG17_BIN" vehicle eval --json --learn-seconds 20 "$T/attack.csv")" 0 "online eval --learn-seconds 20"
ok "$(python3 -c "import json,sys; d=json.loads(open('$T/out').read()); sys.exit(0 if d['tp']==60 and d['fp']==0 else 1)"; echo $?)" "online: 60 tp, 0 fp"
# a learning span that holds the attack (injections from 30 s, learned 40 s): the
# injected 100 frames there are left out of learning, and said so; those after the
# span are flagged (7E0, a new identifier sending all through the span, is learned)
is "$(status "$SG17_BIN" vehicle eval --json --learn-seconds 40 "$T/attack.csv")" 0 "online eval, the attack in the learning span"
ok "$(grep -q 'left out of learning: 0 frames of floods, 10 extra frames with a foreign payload' "$T/err"; echo $?)" "... 10 injected frames left out of learning, on stderr"
ok "$(python3 -c "import json,sys; d=json.loads(open('$T/out').read()); sys.exit(0 if d['tp']==20 and d['fp']==0 else 1)"; echo $?)" "... the 20 injected 100 frames after the span flagged, 0 fp"
is "$(status "$SG17_BIN" vehicle detect --profile "$T/p.prof" --svg "$T/t.svg" "$T/attack.csv")" 1 "detect --svg"
ok "$(python3 -c "import xml.dom.minidom as m,sys; d=m.parse('$T/t.svg'); r=[x for x in d.getElementsByTagName('rect') if x.getAttribute('fill')=='red']; sys.exit(0 if r else 1)"; echo $?)" "timeline SVG parses and marks alerts in red"
# a live bus: frames through a pipe (candump -L can0 | sg17 vehicle detect ... -);
# each alert is written as its frame arrives, while the stream is still open
mkfifo "$T/bus"
"$SG17_BIN" vehicle detect --profile "$T/p.prof" - < "$T/bus" > "$T/live.jsonl" 2>"$T/live.err" &
live=$!
exec 3>"$T/bus"
head -300 "$T/clean.log" >&3
echo "(1002.0021) can0 7E0#0102" >&3
for i in $(seq 100); do grep -q '"id":"7E0"' "$T/live.jsonl" && break; sleep 0.1; done
is "$(grep -c '"detector":"unknown-id","id":"7E0"' "$T/live.jsonl")" 1 "live: the alert is out while the stream is still open"
sed -n '301,400p' "$T/clean.log" >&3
exec 3>&-
wait $live
is "$?" 1 "live: exit 1 (alerts) when the stream ends"
is "$(grep -c . "$T/live.jsonl")" 1 "live: one alert, the clean frames none"
cat "$T/attack.log" | "$SG17_BIN" vehicle detect --learn-seconds 20 - > "$T/o1" 2>/dev/null
"$SG17_BIN" vehicle detect --learn-seconds 20 "$T/attack.log" > "$T/o2" 2>/dev/null
ok "$(test -s "$T/o1" && cmp -s "$T/o1" "$T/o2"; echo $?)" "online learning from a pipe: the same alerts as from the file"
is "$(cat "$T/clean.log" | status "$SG17_BIN" vehicle train - -o "$T/x.prof")" 3 "train from a pipe refused (two passes): exit 3"
ok "$(grep -q 'not a stream' "$T/err"; echo $?)" "... saying why"
# signed report
is "$(status "$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/mbr.key")" 0 "ML-DSA-65 key"
is "$(status "$SG17_BIN" vehicle report sign --key "$T/mbr.key" --vehicle test-car -o "$T/r.json" "$T/alerts.jsonl")" 0 "report signed"
is "$(status "$SG17_BIN" vehicle report verify --key "$T/mbr.key.pub" "$T/r.json")" 0 "report verifies"
sed 's/7E0#0102/7E0#0103/' "$T/r.json" > "$T/r2.json"
is "$(status "$SG17_BIN" vehicle report verify --key "$T/mbr.key.pub" "$T/r2.json")" 1 "tampered evidence: verification fails (exit 1)"
# V2X
printf '{"t":0,"station":"a","station_type":5,"x":0,"y":0,"vx":20,"vy":0}\n{"t":1,"station":"a","station_type":5,"x":20,"y":0,"vx":20,"vy":0}\n' > "$T/ok.jsonl"
is "$(status "$SG17_BIN" vehicle v2x check "$T/ok.jsonl")" 0 "plausible CAMs: exit 0"
printf '{"t":0,"station":"a","station_type":5,"x":0,"y":0,"vx":150,"vy":0}\n' > "$T/bad.jsonl"
is "$(status "$SG17_BIN" vehicle v2x check "$T/bad.jsonl")" 1 "150 m/s car: exit 1"
ok "$(grep -q '"observation":"Speed-ValueTooLarge-VehicleType","tgtId":4,"obsId":3' "$T/out"; echo $?)" "observation with TS 103 759 ids"
# DENMs in the same stream: a plausible one, then a cancellation by another station
cat > "$T/denm.jsonl" <<'JSONL'
{"t":0,"station":"a","station_type":5,"x":0,"y":0,"vx":20,"vy":0}
{"t":1,"station":"a","station_type":5,"x":20,"y":0,"vx":20,"vy":0}
{"type":"denm","t":1.2,"station":"a","seq":3,"detection_t":1.1,"reference_t":1.15,"event_x":60,"event_y":0,"cause":97,"interval_ms":100}
JSONL
is "$(status "$SG17_BIN" vehicle v2x check "$T/denm.jsonl")" 0 "plausible CAMs and DENM: exit 0"
echo '{"type":"denm","t":1.5,"station":"b","origin":"a","seq":3,"detection_t":1.1,"reference_t":1.45,"event_x":60,"event_y":0,"cause":97,"termination":"cancellation"}' >> "$T/denm.jsonl"
is "$(status "$SG17_BIN" vehicle v2x check "$T/denm.jsonl")" 1 "DENM cancelled by another station: exit 1"
ok "$(grep -q '"observation":"Denm-CancellationNotByOriginator","tgtId":103,"obsId":8' "$T/out"; echo $?)" "DENM observation (103,8)"
echo '{"type":"denm","t":2,"station":"a","seq":4,"detection_t":1,"reference_t":1,"event_x":0,"event_y":0,"cause":97,"validity":90000}' > "$T/denm_bad.jsonl"
is "$(status "$SG17_BIN" vehicle v2x check "$T/denm_bad.jsonl")" 3 "DENM validity out of range: exit 3"
ok "$(grep -q 'denm_bad.jsonl:1:.*validity' "$T/err"; echo $?)" "error names file, line and field"
# errors
printf '(1.0) can0 123#00\n(2.0) can0 12#00\n' > "$T/broken.log"
is "$(status "$SG17_BIN" vehicle convert "$T/broken.log" -o "$T/x.csv")" 3 "malformed capture: exit 3"
ok "$(grep -q 'broken.log:2:' "$T/err"; echo $?)" "error names file and line"
is "$(status "$SG17_BIN" vehicle eval "$T/attack.csv")" 2 "eval without a profile: usage (exit 2)"
tap_done
