#!/usr/bin/env bash
# Run a command with a private PostgreSQL and a private RabbitMQ, each started in a throw-away
# folder on a free loopback port and stopped afterwards (also when the command fails or is
# interrupted). The engine's tests on the second backend (PostgreSQL + RabbitMQ) read:
#
#   PRIVICORE_TEST_DATABASE_URL         postgres://… of a superuser (tests create databases)
#   PRIVICORE_TEST_AMQP_URL             amqp://… of a broker administrator, vhost /
#   PRIVICORE_TEST_AMQP_MANAGEMENT_URL  http://… of the broker's management API
#   PRIVICORE_TEST_RABBITMQ_NODE        the broker's Erlang node name (for rabbitmqctl)
#   PRIVICORE_TEST_RABBITMQ_HOME        HOME holding that node's Erlang cookie
#
#   scripts/with-backends.sh npx vitest run --project postgres
#
# Needs (Debian 12): apt-get install postgresql rabbitmq-server. The packages' own system services
# are neither used nor touched. Set PRIVICORE_TEST_DATABASE_URL and PRIVICORE_TEST_AMQP_URL (and
# the management URL) yourself to use servers you run instead.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 COMMAND [ARGS...]   (e.g. $0 npm test)" >&2
  exit 2
fi

# Nested call, or servers given by the caller: nothing to start.
if [[ "${PRIVICORE_BACKENDS_SESSION:-}" == "1" ||
  (-n "${PRIVICORE_TEST_DATABASE_URL:-}" && -n "${PRIVICORE_TEST_AMQP_URL:-}") ]]; then
  exec "$@"
fi

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
RABBIT_BIN="$(ls -d /usr/lib/rabbitmq/bin 2>/dev/null || true)"
if [[ -z "$PG_BIN" || ! -x "$PG_BIN/initdb" || -z "$RABBIT_BIN" || ! -x "$RABBIT_BIN/rabbitmq-server" ]]; then
  echo "with-backends: PostgreSQL or RabbitMQ is not installed, so the engine's second backend cannot be tested." >&2
  echo "with-backends: install them with: apt-get install postgresql rabbitmq-server" >&2
  exit 127
fi

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Servers refuse to run as root; as root they run as their own system user.
as_user() {
  local user="$1"
  shift
  if [[ "$(id -u)" == "0" ]]; then
    runuser -u "$user" -- env "$@"
  else
    env "$@"
  fi
}

work="$(mktemp -d "${TMPDIR:-/tmp}/privicore-backends.XXXXXX")"
chmod 755 "$work"
pg_dir="$work/postgres"
rabbit_dir="$work/rabbitmq"
mkdir -p "$pg_dir" "$rabbit_dir/mnesia" "$rabbit_dir/log" "$rabbit_dir/home"
pg_user="$(id -un)"
rabbit_user="$(id -un)"
if [[ "$(id -u)" == "0" ]]; then
  pg_user=postgres
  rabbit_user=rabbitmq
  chown -R postgres: "$pg_dir"
  chown -R rabbitmq: "$rabbit_dir"
fi

pg_port="$(free_port)"
amqp_port="$(free_port)"
dist_port="$(free_port)"
mgmt_port="$(free_port)"
node_name="privicore-test-$$-$RANDOM@localhost"
password="$(node -e 'console.log(require("crypto").randomBytes(18).toString("base64url"))')"
epmd_was_up=0
if command -v epmd >/dev/null && epmd -names >/dev/null 2>&1; then epmd_was_up=1; fi
rabbit_env=(
  HOME="$rabbit_dir/home"
  RABBITMQ_NODENAME="$node_name"
  RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  RABBITMQ_NODE_PORT="$amqp_port"
  RABBITMQ_DIST_PORT="$dist_port"
  RABBITMQ_MNESIA_BASE="$rabbit_dir/mnesia"
  RABBITMQ_LOG_BASE="$rabbit_dir/log"
  RABBITMQ_CONFIG_FILE="$rabbit_dir/rabbitmq"
  RABBITMQ_ADVANCED_CONFIG_FILE="$rabbit_dir/advanced.config"
  RABBITMQ_ENABLED_PLUGINS_FILE="$rabbit_dir/enabled_plugins"
  RABBITMQ_PID_FILE="$rabbit_dir/rabbitmq.pid"
  RABBITMQ_CONF_ENV_FILE="$rabbit_dir/rabbitmq-env.conf"
)
pg_started=0
rabbit_started=0

stop_backends() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ $rabbit_started == 1 ]]; then
    as_user "$rabbit_user" "${rabbit_env[@]}" "$RABBIT_BIN/rabbitmqctl" -n "$node_name" shutdown >/dev/null 2>&1 || true
  fi
  if [[ $pg_started == 1 ]]; then
    as_user "$pg_user" "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  # epmd outlives the node that started it; stop it only if it was ours and nobody else uses it.
  if [[ $rabbit_started == 1 && $epmd_was_up == 0 ]] && ! epmd -names 2>/dev/null | grep -q '^name '; then
    epmd -kill >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap stop_backends EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# PostgreSQL: a fresh cluster; the data is throw-away, so durability settings are off for speed.
echo "$password" >"$pg_dir/password"
as_user "$pg_user" "$PG_BIN/initdb" -D "$pg_dir/data" -U postgres --pwfile="$pg_dir/password" \
  --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 ||
  {
    cat "$pg_dir/initdb.log" >&2
    exit 1
  }
pg_started=1
as_user "$pg_user" "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 start \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500" \
  >/dev/null || {
  cat "$pg_dir/server.log" >&2
  exit 1
}

# RabbitMQ: its own Erlang cookie (HOME), node name and ports, so other brokers on this machine
# are left alone; the event exchange tells engines when a device's consumer goes away.
cat >"$rabbit_dir/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$amqp_port
management.tcp.ip = 127.0.0.1
management.tcp.port = $mgmt_port
default_user = privicore
default_pass = $password
default_user_tags.administrator = true
loopback_users = none
log.console = false
log.file.level = warning
EOF
echo '[].' >"$rabbit_dir/advanced.config"
echo '[rabbitmq_management,rabbitmq_event_exchange].' >"$rabbit_dir/enabled_plugins"
: >"$rabbit_dir/rabbitmq-env.conf"
if [[ "$(id -u)" == "0" ]]; then chown -R rabbitmq: "$rabbit_dir"; fi
rabbit_started=1
as_user "$rabbit_user" "${rabbit_env[@]}" "$RABBIT_BIN/rabbitmq-server" -detached >/dev/null 2>&1
# await_startup fails at once while the node has not registered yet: ask until it answers.
rabbit_up=0
for _ in $(seq 1 120); do
  if as_user "$rabbit_user" "${rabbit_env[@]}" "$RABBIT_BIN/rabbitmqctl" -n "$node_name" await_startup --timeout 60 >/dev/null 2>&1; then
    rabbit_up=1
    break
  fi
  sleep 0.5
done
if [[ $rabbit_up == 0 ]]; then
  echo "with-backends: RabbitMQ did not start; its log:" >&2
  cat "$rabbit_dir"/log/*.log >&2 || true
  exit 1
fi

echo "with-backends: PostgreSQL on 127.0.0.1:$pg_port, RabbitMQ on 127.0.0.1:$amqp_port (management :$mgmt_port)" >&2
status=0
PRIVICORE_BACKENDS_SESSION=1 \
  PRIVICORE_TEST_DATABASE_URL="postgres://postgres:$password@127.0.0.1:$pg_port/postgres" \
  PRIVICORE_TEST_AMQP_URL="amqp://privicore:$password@127.0.0.1:$amqp_port/%2F" \
  PRIVICORE_TEST_AMQP_MANAGEMENT_URL="http://privicore:$password@127.0.0.1:$mgmt_port" \
  PRIVICORE_TEST_RABBITMQ_NODE="$node_name" \
  PRIVICORE_TEST_RABBITMQ_HOME="$rabbit_dir/home" \
  "$@" || status=$?
exit "$status"
