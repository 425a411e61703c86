# shellcheck shell=bash
# ./autoconvert demo (sourced by ./autoconvert): create a rule through the REST API, push a sample
# three-layer image with skopeo and follow its conversion until it ends.

DEMO_REPOSITORY=demo/app

api() { # api METHOD PATH [JSON]
  local args=(-sS --max-time 10 -X "$1" -H "Authorization: Bearer $AUTOCONVERT_API_TOKEN" -w '\n%{http_code}')
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data "$3")
  curl "${args[@]}" "$AUTOCONVERT_API_URL/api/v1$2"
}

# api_ok METHOD PATH [JSON]: prints the body of a 2xx answer, dies naming the request otherwise
api_ok() {
  local out code
  out=$(api "$@") || die "$1 $2 failed: the rule-service does not answer at $AUTOCONVERT_API_URL"
  code=${out##*$'\n'}
  [[ $code == 2* ]] || die "$1 $2 answered $code: ${out%$'\n'*}"
  echo "${out%$'\n'*}"
}

demo_rule_id() {
  local id
  id=$(api_ok GET '/rules?size=200' | jq -r '.items[]? | select(.name == "demo") | .id' | head -1)
  if [ -z "$id" ]; then
    id=$(api_ok POST /rules "$(jq -nc --arg reg "$AUTOCONVERT_REGISTRY" --arg repo "$DEMO_REPOSITORY" '{
      name: "demo", description: "created by ./autoconvert demo", enabled: true, registry: $reg,
      repositoryPattern: $repo, tagPattern: "demo-*", tagSuffix: "-nydus",
      options: {compressor: "zstd"}}')" | jq -r .id)
    log "created rule 'demo' (id $id): $AUTOCONVERT_REGISTRY/$DEMO_REPOSITORY:demo-* -> <tag>-nydus"
  else
    log "using the existing rule 'demo' (id $id)"
  fi
  echo "$id"
}

cmd_demo() {
  for name_port in "rule-service $AUTOCONVERT_API_PORT" "listener $AUTOCONVERT_LISTENER_PORT"; do
    health_ok "${name_port#* }" || die "${name_port% *} is not running: start the system with ./autoconvert up"
  done
  registry_ready || die "the registry is not running: start the system with ./autoconvert up"
  demo_rule_id > /dev/null

  local tag layout=$STATE/demo/oci
  tag=demo-$(date -u +%Y%m%d-%H%M%S)
  mkdir -p "$STATE/demo"
  "$ROOT/infra/sample-image.sh" "$layout" "$tag"
  log "pushing $AUTOCONVERT_REGISTRY/$DEMO_REPOSITORY:$tag (3 layers)"
  skopeo copy -q --dest-tls-verify=false "oci:$layout:$tag" "docker://$AUTOCONVERT_REGISTRY/$DEMO_REPOSITORY:$tag"

  local id="" deadline=$((SECONDS + 30))
  while [ -z "$id" ]; do
    [ $SECONDS -lt $deadline ] || die "no conversion appeared within 30 s for $DEMO_REPOSITORY:$tag (logs: $LOGS/listener.log, $LOGS/rule-service.log)"
    id=$(api_ok GET "/conversions?repository=$DEMO_REPOSITORY&tag=$tag" | jq -r '.items[0].id // empty')
    [ -n "$id" ] || sleep 0.5
  done
  log "conversion $id: following it (Ctrl-C stops following, not the conversion)"

  local detail status shown=0 progress last_progress=""
  deadline=$((SECONDS + 600))
  while [ $SECONDS -lt $deadline ]; do
    detail=$(api_ok GET "/conversions/$id")
    status=$(jq -r .status <<< "$detail")
    # every new transition (none is missed between two polls), then the progress while it runs
    jq -r --argjson n "$shown" '(.transitions // [])[$n:][] | [(.at | .[11:19]),
      "\(.from // "-") -> \(.to)", (.workerId // empty), (.failureCode // empty), (.reason // empty)]
      | join("  ")' <<< "$detail" | sed 's/^/  /'
    shown=$(jq '(.transitions // []) | length' <<< "$detail")
    progress=$(jq -r '.progress // empty | "layers \(.layersDone // "?")/\(.layersTotal // "?"), \(.bytesIn // 0) B in, \(.bytesOut // 0) B out"' <<< "$detail")
    if [[ $status == RUNNING || $status == RETRYING ]] && [ -n "$progress" ] && [ "$progress" != "$last_progress" ]; then
      printf '            %s\n' "$progress"
      last_progress=$progress
    fi
    case $status in
      SUCCEEDED)
        local target
        target=$(jq -r '"\(.registry)/\(.targetRepository):\(.targetTag)"' <<< "$detail")
        log "converted: $target @ $(jq -r .targetDigest <<< "$detail")"
        jq -r '.result // empty | "  \(.layersConverted // "?") layer(s) converted, \(.layersFromCache // 0) from the cache; \(.sourceSize // "?") B -> \(.targetSize // "?") B; "
          + ((.phaseMillis // {}) | to_entries | map("\(.key) \(.value) ms") | join(", "))' <<< "$detail"
        log "checking it against the source: ./autoconvert check --source $AUTOCONVERT_REGISTRY/$DEMO_REPOSITORY:$tag --target $target --plain-http"
        cmd_cli check --source "$AUTOCONVERT_REGISTRY/$DEMO_REPOSITORY:$tag" --target "$target" --plain-http
        return ;;
      FAILED | SKIPPED | SUPERSEDED)
        die "the conversion ended $status: $(jq -r '"\(.failureCode // "") \(.reason // "")"' <<< "$detail")" ;;
    esac
    sleep 0.5
  done
  die "the conversion did not end within 10 minutes (status $status; logs under $LOGS)"
}
