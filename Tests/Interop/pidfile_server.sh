#!/bin/sh
# A server run the way a process manager runs one: started in the background by a script that writes
# its pid file, stopped, restarted and crashed through that pid file. conform drives it with
#   --restart-command 'pidfile_server.sh restart …'  --crash-command 'pidfile_server.sh crash …'
# Each action returns once the old process is gone and the new one started; conform then waits for
# the port to answer. Used by Tests/ConformanceKitTests/Targets/PidFileServerTests.swift.
# Socket activation as a process manager does it: the caller holds the listening socket and gives it
# to every action as descriptor 3 with LISTEN_FDS=1 (conform --inherited-socket does for restart and
# crash); each server started gets it with LISTEN_PID its own pid (the inner sh execs the server), so the
# port never closes and no other process can take it.
# Usage: pidfile_server.sh start|stop|restart|crash PIDFILE DATABASE SERVER_BINARY   (socket as descriptor 3)
set -eu
action=$1 pidfile=$2 database=$3 binary=$4

# Starts the server in the background, writes its pid file, and returns once it listens (it prints
# its address to PIDFILE.log then); 10 s at most.
start() {
  : > "$pidfile.log"
  if [ "${LISTEN_FDS:-}" != 1 ]; then echo "pidfile_server.sh: needs the listening socket as descriptor 3 and LISTEN_FDS=1" >&2; exit 64; fi
  sh -c 'LISTEN_PID=$$ exec "$@"' sh "$binary" --db "$database" --ping-interval 300 --ping-timeout 1000 --log-level error >"$pidfile.log" 2>&1 </dev/null &
  echo $! > "$pidfile"
  tries=0
  until grep -q 'listening on http://' "$pidfile.log"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then echo "pidfile_server.sh: the server did not start: $(cat "$pidfile.log")" >&2; exit 1; fi
    sleep 0.1
  done
}

# Waits (10 s at most) until the process is gone; a zombie nobody reaps counts as gone.
wait_gone() {
  tries=0
  while [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != "Z" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then echo "pidfile_server.sh: process $1 still running" >&2; exit 1; fi
    sleep 0.1
  done
}

case "$action" in
  start) start ;;
  stop) pid=$(cat "$pidfile"); kill -TERM "$pid"; wait_gone "$pid"; rm -f "$pidfile" ;;
  restart) pid=$(cat "$pidfile"); kill -TERM "$pid"; wait_gone "$pid"; start ;;
  crash) pid=$(cat "$pidfile"); kill -KILL "$pid"; wait_gone "$pid"; start ;;
  *) echo "usage: pidfile_server.sh start|stop|restart|crash PIDFILE DATABASE SERVER_BINARY (socket as descriptor 3)" >&2; exit 64 ;;
esac
