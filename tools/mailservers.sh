#!/bin/bash
# mailservers.sh - throwaway Postfix (SMTP) + Dovecot (IMAP, LMTP) on 127.0.0.1 for PartnerDesk's tests and
# benchmarks (adapted from the verified reference in ../shared/reference/mailservers.sh).
#   sudo tools/mailservers.sh start   # prints KEY=VALUE lines on stdout (eval-able); diagnostics on stderr
#   sudo tools/mailservers.sh stop    # idempotent; kills only this instance's PIDs, deletes $MAILTEST_DIR
#   sudo tools/mailservers.sh status
# Every address at every domain is a mailbox and logs in with MAIL_PASSWORD, so each test takes fresh
# addresses of its own and no two tests share a mailbox.
# Knobs: MAILTEST_DIR (default /tmp/mailtest; one dir = one instance, parallel instances OK),
#   MAIL_PASSWORD (same for all users), MAILTEST_IMAP_PORT/MAILTEST_SMTP_PORT.
# Needs root + Debian: apt-get install dovecot-imapd dovecot-lmtpd postfix
set -euo pipefail

DIR=${MAILTEST_DIR:-/tmp/mailtest}
PASS=${MAIL_PASSWORD:-secret}
MAIL_OWNER=nobody MAIL_GROUP=nogroup                 # uid/gid owning the maildirs
DV=$DIR/dovecot PF=$DIR/postfix
INST="mailtest-$(printf '%s' "$DIR" | md5sum | cut -c1-8)"   # Dovecot titles: dovecot-$INST/imap ...

log() { echo "mailservers: $*" >&2; }
die() {  # failed start: show logs, kill whatever did start, keep $DIR for inspection
  log "ERROR: $*"
  if [ "${STARTING:-0}" = 1 ]; then
    tail -n 20 "$DV/startup.out" "$DV/dovecot.log" "$PF/postfix.log" >&2 2>/dev/null || true
    STARTING=0 do_stop keep
  fi
  exit 1
}

pid_alive() {  # running and not a zombie (bash only; no procps needed)
  local st; { read -r st < "/proc/$1/stat"; } 2>/dev/null || return 1
  st=${st##*) }; [ "${st%% *}" != Z ]
}

instance_pids() {  # every live process of THIS instance, found via /proc
  local d a0
  for d in /proc/[0-9]*; do
    { IFS= read -r -d '' a0 < "$d/cmdline"; } 2>/dev/null || continue   # argv[0]
    case "$a0" in
      "dovecot-$INST/"*) ;;                                                 # Dovecot children
      /usr/sbin/dovecot) grep -qzxF -- "$DV/dovecot.conf" "$d/cmdline" 2>/dev/null || continue ;;
      /usr/lib/postfix/sbin/master|pickup|qmgr|postlogd|smtpd|cleanup|trivial-rewrite|lmtp|bounce|\
      proxymap|anvil|scache|showq|error|discard|verify|flush)               # Postfix: env MAIL_CONFIG
        grep -qzxF -- "MAIL_CONFIG=$PF/etc" "$d/environ" 2>/dev/null || continue ;;
      *) continue ;;
    esac
    pid_alive "${d#/proc/}" && echo "${d#/proc/}"
  done
  return 0
}

master_pids() {  # PIDs named by this instance's pid files, if they really are its masters
  local f p all; all=" $(instance_pids | tr '\n' ' ') "
  for f in "$DV/run/master.pid" "$PF/spool/pid/master.pid"; do
    p=$( [ -s "$f" ] && tr -dc 0-9 < "$f" || true)
    [ -n "$p" ] && [[ "$all" == *" $p "* ]] && echo "$p"
  done
  return 0
}

daemon_run() {  # LOGFILE CMD...: run a self-daemonizing server with stdio redirected, other fds closed.
  # Otherwise Dovecot keeps the caller's stdout pipe open and `$(mailservers.sh start)` never returns.
  local out=$1; shift
  perl -MPOSIX -e 'POSIX::close($_) for 3..1023; exec @ARGV or die "exec $ARGV[0]: $!\n"' -- "$@" \
    </dev/null >>"$out" 2>&1
}

free_ports() {  # two distinct free loopback ports (bound together, then released)
  perl -MIO::Socket::INET -e 'my @s=map{IO::Socket::INET->new(LocalAddr=>"127.0.0.1",LocalPort=>0,
    Listen=>1) or die "bind: $!"}1..2; print join(" ",map{$_->sockport}@s),"\n"'
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_banner() {  # PORT PREFIX TIMEOUT_S: wait until the server greets
  local end=$((SECONDS + $3)) line
  while [ $SECONDS -lt $end ]; do
    if exec 3<>"/dev/tcp/127.0.0.1/$1" 2>/dev/null; then
      line=""; read -r -t 2 line <&3 || true; exec 3<&- 3>&-
      case "$line" in "$2"*) return 0 ;; esac
    fi
    sleep 0.05
  done
  return 1
}

do_stop() {  # [keep]
  local masters left i
  masters=$(master_pids | tr '\n' ' ')
  if [ -n "${masters// }" ]; then
    kill -TERM $masters 2>/dev/null || true        # masters pass SIGTERM on to their children
  else
    left=$(instance_pids | tr '\n' ' ')            # orphans (e.g. a master was SIGKILLed)
    [ -n "${left// }" ] && kill -TERM $left 2>/dev/null || true
  fi
  for i in $(seq 1 100); do                        # Dovecot needs ~1-2 s; SIGKILL after 10 s
    left=$(instance_pids | tr '\n' ' ')
    [ -z "${left// }" ] && break
    if [ "$i" = 100 ]; then log "force-killing PIDs: $left"; kill -KILL $left 2>/dev/null || true; fi
    sleep 0.1
  done
  if [ -d "$DIR" ]; then
    [ "${1:-}" = keep ] || rm -rf "$DIR"
    log "stopped ($DIR)"
  else
    log "not running ($DIR absent)"
  fi
}

do_start() {
  [ "$(id -u)" = 0 ] || die "must run as root (Postfix master requires it)"
  command -v dovecot >/dev/null && command -v postfix >/dev/null \
    || die "apt-get install dovecot-imapd dovecot-lmtpd postfix"
  do_stop 2>/dev/null                              # start is idempotent: wipe any previous instance
  STARTING=1
  local ports u doms="" IMAP SMTP; ports=$(free_ports)
  IMAP=${MAILTEST_IMAP_PORT:-${ports% *}} SMTP=${MAILTEST_SMTP_PORT:-${ports#* }}
  # Postfix listens with SO_REUSEPORT: a 2nd Postfix on a taken port starts "fine" and silently
  # shares it with the first one. So refuse taken ports up front.
  for u in "$IMAP" "$SMTP"; do port_in_use "$u" && die "port $u already in use"; done

  mkdir -p "$DV" "$PF/etc" "$PF/spool" "$DIR/mail"
  chmod 755 "$DIR" "$DV" "$PF"; chown "$MAIL_OWNER:$MAIL_GROUP" "$DIR/mail"
  runuser -u "$MAIL_OWNER" -- test -x "$DIR/mail" || die "$DIR: a parent dir is not world-searchable"

  cat > "$DV/dovecot.conf" <<EOF
instance_name = $INST
base_dir = $DV/run
state_dir = $DV/state
log_path = $DV/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
mailbox_idle_check_interval = 1 secs
passdb {
  driver = static
  args = password=$PASS
}
userdb {
  driver = static
  args = uid=$MAIL_OWNER gid=$MAIL_GROUP home=$DIR/mail/%Ld/%Ln allow_all_users=yes
}
auth_username_format = %Lu
namespace inbox {
  inbox = yes
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
}
protocol imap {
  mail_max_userip_connections = 100
}
protocol lmtp {
  postmaster_address = postmaster@test.invalid
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF

  cat > "$PF/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
maillog_file = $PF/postfix.log
maillog_file_prefixes = $PF
myhostname = mail.test.invalid
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
local_transport = error:local delivery disabled
recipient_delimiter = +
virtual_mailbox_domains = static:all
virtual_mailbox_maps = static:OK
virtual_transport = lmtp:unix:$DV/run/lmtp
default_transport = error:outbound mail disabled in test instance
relay_transport = error:relay disabled in test instance
smtpd_relay_restrictions = reject_unauth_destination
smtpd_error_sleep_time = 0
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $DV/run/auth-postfix
biff = no
message_size_limit = 64000000
EOF
  cat > "$PF/etc/master.cf" <<EOF
127.0.0.1:$SMTP inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n -  0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n -  - trivial-rewrite
bounce    unix - - n -  0 bounce
defer     unix - - n -  0 bounce
trace     unix - - n -  0 bounce
verify    unix - - n -  1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n -  - proxymap
showq     unix n - n -  - showq
error     unix - - n -  - error
retry     unix - - n -  - error
discard   unix - - n -  - discard
lmtp      unix - - n -  - lmtp
anvil     unix - - n -  1 anvil
scache    unix - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
  # Postfix distrusts config/map files modified in the last ~2 s (sleeps 300 ms and re-reads until
  # they are older), which costs ~2 s on every fresh start. Backdate them.
  touch -d "@$(( $(date +%s) - 60 ))" "$PF"/etc/*

  doveconf -c "$DV/dovecot.conf" -n >/dev/null || die "bad dovecot config"
  daemon_run "$DV/startup.out" dovecot -c "$DV/dovecot.conf" || die "dovecot failed to start"
  daemon_run "$PF/startup.out" postfix -c "$PF/etc" start || die "postfix failed (see postfix.log)"
  wait_banner "$IMAP" "* OK" 10 || die "IMAP not answering on $IMAP"
  wait_banner "$SMTP" "220" 10 || die "SMTP not answering on $SMTP"
  for u in lmtp auth-postfix; do [ -S "$DV/run/$u" ] || die "missing socket $DV/run/$u"; done

  cat > "$DIR/env" <<EOF
MAILTEST_DIR=$DIR
MAIL_HOST=127.0.0.1
IMAP_PORT=$IMAP
SMTP_PORT=$SMTP
MAIL_PASSWORD=$PASS
DOVECOT_CONF=$DV/dovecot.conf
POSTFIX_CONFIG_DIR=$PF/etc
EOF
  STARTING=0
  cat "$DIR/env"
}

case "${1:-}" in
  start)  do_start ;;
  stop)   do_stop ;;
  status) if [ -n "$(master_pids)" ]; then cat "$DIR/env"; else echo "not running"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
