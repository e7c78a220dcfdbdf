#!/usr/bin/env bash
# Starts or stops a Docker engine for the container tests and the image build, the way this project needs it:
# its default bridge on 198.19.255.1/24 (never 172.17/16) and no iptables rules (with them dockerd rewrites the host
# firewall and leaves chains and a DROP forward policy behind when killed), with a data root and exec root of its
# own. `stop` ends it by its PID file and removes what a SIGTERMed dockerd leaves: docker0 and the nsfs mount at
# EXEC_ROOT/netns/default.
#   docker/dockerd.sh start     # waits until the engine answers (at most 60 s); prints DOCKER_HOST=...
#   docker/dockerd.sh stop
# QUIRKLAB_DOCKERD_NAME (default qlab-docker) names its roots (/var/lib/NAME, /run/NAME) and PID file
# (/run/NAME.pid); QUIRKLAB_DOCKERD_SOCKET its socket (default: /run/NAME.sock).
set -euo pipefail
NAME="${QUIRKLAB_DOCKERD_NAME:-qlab-docker}"
SOCKET="${QUIRKLAB_DOCKERD_SOCKET:-/run/$NAME.sock}"
DATA="/var/lib/$NAME"; EXEC="/run/$NAME"; PIDFILE="/run/$NAME.pid"; LOG="/var/log/$NAME.log"
say() { printf 'dockerd: %s\n' "$*" >&2; }

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

case "${1:-}" in
  start)
    if running; then say "already running (pid $(cat "$PIDFILE"))"; echo "DOCKER_HOST=unix://$SOCKET"; exit 0; fi
    command -v dockerd >/dev/null || { say "dockerd is not installed (apt-get install docker.io)"; exit 3; }
    mkdir -p "$DATA" "$EXEC"
    dockerd --host "unix://$SOCKET" --data-root "$DATA" --exec-root "$EXEC" --pidfile "$PIDFILE" \
      --bip 198.19.255.1/24 --iptables=false --ip-masq=false --userland-proxy=false > "$LOG" 2>&1 &
    for _ in $(seq 1 120); do   # bounded: 60 s
      if DOCKER_HOST="unix://$SOCKET" docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
        say "engine $(DOCKER_HOST="unix://$SOCKET" docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') at unix://$SOCKET, pid $(cat "$PIDFILE")"
        echo "DOCKER_HOST=unix://$SOCKET"
        exit 0
      fi
      kill -0 $! 2>/dev/null || { say "dockerd exited; the end of $LOG:"; tail -n 5 "$LOG" >&2; exit 1; }
      sleep 0.5
    done
    say "dockerd did not answer within 60 s (log: $LOG)"; exit 1 ;;
  stop)
    if running; then
      pid="$(cat "$PIDFILE")"
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done   # bounded: 30 s
      kill -0 "$pid" 2>/dev/null && { say "dockerd $pid did not stop in 30 s: SIGKILL"; kill -KILL "$pid"; }
      say "stopped pid $pid"
    fi
    if mountpoint -q "$EXEC/netns/default" 2>/dev/null; then umount "$EXEC/netns/default"; fi
    if ip link show docker0 >/dev/null 2>&1; then ip link delete docker0; fi
    rm -f "$SOCKET" "$PIDFILE" ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
