#!/usr/bin/env bash
set -euo pipefail
# Walks one case from lead to elimination through the HTTP API alone, as the officials would.
# Start Bangfu with the compressed demo policy first:
#   BANGFU_POLICY_FILE=scripts/demo-policy.json npm start
# then run: bash scripts/walkthrough.sh   (BANGFU_URL and BANGFU_DATA_DIR if not the defaults)
export BANGFU_DATA_DIR=${BANGFU_DATA_DIR:-.data}
B=${BANGFU_URL:-http://localhost:8080}
tok() { npm run -s officials -- token "$1" 2>/dev/null; }
V=$(tok off-vil-dongfeng); T=$(tok off-twp-dongfeng); C=$(tok off-cty)
j() { python3 -c "import sys,json; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
post() { curl -s -X POST -H "Authorization: Bearer $1" -H 'content-type: application/json' "$B$2" -d "$3"; }
# A demo ID number, new on every run, valid under GB 11643 (a real birth date and the check character).
ID=$(python3 -c "import random; b='4105991992%02d%02d%03d' % (random.randint(1, 12), random.randint(1, 28), random.randint(0, 999)); w=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]; print(b + '10X98765432'[sum(int(c) * x for c, x in zip(b, w)) % 11])")
CASE=$(post $V /api/cases "{\"household\":{\"headName\":\"赵六\",\"idNumber\":\"$ID\",\"villageCode\":\"410599100201\",\"memberCount\":3},\"category\":\"MARGINAL\",\"riskTypes\":[\"ILLNESS\"],\"channel\":\"SELF_APPLICATION\"}" | j 'd["case"]["id"]')
echo "case $CASE"
task() { sleep 1; curl -s -H "Authorization: Bearer $1" "$B/api/cases/$CASE" | j 'd["openTasks"][0]["id"] if d["openTasks"] else ""'; }
echo "verify without consent: $(post $V /api/tasks/$(task $V)/decision '{"action":"APPROVE"}')"
echo "verify: $(post $V /api/tasks/$(task $V)/decision '{"action":"APPROVE","consentSigned":true}')"
echo "village review: $(post $V /api/tasks/$(task $V)/decision '{"action":"APPROVE"}')"
echo "objection: $(post $V /api/cases/$CASE/objections '{"text":"有人反映该户有车"}')"
echo "dismiss: $(post $V /api/tasks/$(task $V)/decision '{"action":"DISMISS"}')"
sleep 6
echo "township: $(post $T /api/tasks/$(task $T)/decision '{"action":"APPROVE"}')"
echo "county: $(post $C /api/tasks/$(task $C)/decision '{"action":"APPROVE"}')"
CONTACT=$(curl -s -H "Authorization: Bearer $C" "$B/api/cases/$CASE" | j 'd["contactId"]'); KT=$(tok $CONTACT)
echo "contact is $CONTACT"
echo "too early: $(post $V /api/cases/$CASE/elimination-review '{}')"
M=$(post $KT /api/cases/$CASE/measures '{"type":"EMPLOYMENT","description":"公益岗位"}' | j 'd["id"]')
echo "measure $M: $(curl -s -X PATCH -H "Authorization: Bearer $KT" -H 'content-type: application/json' $B/api/cases/$CASE/measures/$M -d "{\"status\":\"IMPLEMENTED\",\"implementedOn\":\"$(TZ=Asia/Shanghai date +%F)\"}")"
echo "contact: $(post $KT /api/cases/$CASE/contacts "{\"contactedOn\":\"$(TZ=Asia/Shanghai date +%F)\",\"method\":\"VISIT\"}")"
echo "waiting for the review timer (20 s)…"; sleep 21
echo "assessment: $(post $V /api/tasks/$(task $V)/decision '{"action":"APPROVE","route":"ASSISTED","criteria":{"incomeAboveLine":true,"basicNeedsAssured":true,"rigidSpendingResolved":true,"noNewRisk":true}}')"
echo "elim village: $(post $V /api/tasks/$(task $V)/decision '{"action":"APPROVE"}')"
sleep 6
echo "elim township: $(post $T /api/tasks/$(task $T)/decision '{"action":"APPROVE"}')"
echo "elim county: $(post $C /api/tasks/$(task $C)/decision '{"action":"APPROVE"}')"
curl -s -H "Authorization: Bearer $C" "$B/api/cases/$CASE" | j '(d["status"], d["eliminationRoute"], d["eliminatedAt"])'
curl -s -H "Authorization: Bearer $C" "$B/api/cases/$CASE/history" | j '" ".join(e["action"] for e in d["events"])'
