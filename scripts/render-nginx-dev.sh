#!/usr/bin/env bash
# Render the development nginx config (nginx/dev.conf.in) into a private prefix.
#
#   scripts/render-nginx-dev.sh PREFIX PORT SOCKET [SOCKET...]
#
# SOCKET is a Unix socket path (relative paths are made absolute; an optional "unix:" prefix is
# accepted) or 127.0.0.1:PORT / localhost:PORT / [::1]:PORT for a TCP upstream.
#
# Creates PREFIX/{conf,logs,tmp} and writes:
#   PREFIX/conf/nginx.conf               the rendered template
#   PREFIX/conf/fastcgi_params           copied from /etc/nginx
#   PREFIX/conf/snippets/tally/*.conf    the snippets shared with production (nginx/snippets)
#   PREFIX/conf/dev.crt, dev.key         self-signed EC P-256 for localhost/127.0.0.1, kept if present
# Then start nginx with:
#   nginx -p PREFIX/ -c conf/nginx.conf -e logs/error.log [-t | -g 'daemon off;']
# (-e keeps nginx from trying the root-only default /var/log/nginx/error.log before it reads the
# config.) Run nginx as the same user that rendered the prefix.
#
# Environment (development defaults; production is 20r/s, burst 40):
#   TALLY_NGINX_RATE     limit_req_zone rate          (default 1000000r/s: effectively unlimited)
#   TALLY_NGINX_BURST    limit_req burst              (default 100000; must exceed the client's
#                                                      concurrency, e.g. wrk -c 64)
#   TALLY_NGINX_WORKERS  worker_processes             (default auto)
#   NGINX_FASTCGI_PARAMS source of fastcgi_params     (default /etc/nginx/fastcgi_params)
set -euo pipefail

usage() {
    echo "usage: $0 PREFIX PORT SOCKET [SOCKET...]" >&2
    echo "  SOCKET: /path/to/unix.sock or 127.0.0.1:PORT" >&2
    exit 2
}
die() {
    echo "render-nginx-dev: $*" >&2
    exit 1
}

[[ $# -ge 3 ]] || usage

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
template="$repo_root/nginx/dev.conf.in"
snippets="$repo_root/nginx/snippets"
fastcgi_params="${NGINX_FASTCGI_PARAMS:-/etc/nginx/fastcgi_params}"

prefix_arg="$1"
port="$2"
shift 2

rate="${TALLY_NGINX_RATE:-1000000r/s}"
burst="${TALLY_NGINX_BURST:-100000}"
workers="${TALLY_NGINX_WORKERS:-auto}"

if ! [[ "$port" =~ ^[0-9]{1,5}$ ]] || ((10#$port < 1 || 10#$port > 65535)); then
    die "invalid port: $port"
fi
port=$((10#$port))
[[ "$rate" =~ ^[0-9]+r/[sm]$ ]] || die "invalid TALLY_NGINX_RATE: $rate (e.g. 10000r/s)"
[[ "$burst" =~ ^[0-9]+$ ]] || die "invalid TALLY_NGINX_BURST: $burst"
[[ "$workers" =~ ^([0-9]+|auto)$ ]] || die "invalid TALLY_NGINX_WORKERS: $workers"
[[ -r "$template" ]] || die "missing template $template"
[[ -r "$fastcgi_params" ]] || die "missing $fastcgi_params (install the nginx package)"

# ---- Upstream servers ---------------------------------------------------------------------------
# Everything substituted into the config is validated: a path with a space, quote, ';', '{', '}',
# '#' or '$' would change the meaning of the nginx config.
servers=""
for sock in "$@"; do
    sock="${sock#unix:}"
    if [[ "$sock" =~ ^(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost|\[::1\]):[0-9]+$ ]]; then
        addr="$sock" # TCP: loopback only (libfcgi must never be reachable from the network)
    elif [[ "$sock" =~ ^[0-9.]+:[0-9]+$ || "$sock" =~ ^\[.*\]:[0-9]+$ ]]; then
        die "refusing non-loopback TCP upstream $sock (libfcgi must only be reachable by nginx)"
    else
        [[ -n "$sock" ]] || die "empty socket path"
        [[ "$sock" == /* ]] || sock="$PWD/$sock"
        [[ "$sock" =~ ^[A-Za-z0-9_./@+=,:-]+$ ]] || die "unsupported characters in socket path: $sock"
        # sun_path is 108 bytes including the terminating NUL.
        ((${#sock} <= 107)) || die "socket path longer than 107 bytes: $sock"
        addr="unix:$sock"
    fi
    servers+="        server $addr max_fails=3 fail_timeout=10s;"$'\n'
done
servers="${servers%$'\n'}"

# ---- Prefix layout ------------------------------------------------------------------------------
mkdir -p "$prefix_arg"
prefix="$(cd "$prefix_arg" && pwd)"
[[ "$prefix" =~ ^[A-Za-z0-9_./@+=,:-]+$ ]] || die "unsupported characters in prefix: $prefix"
mkdir -p "$prefix/conf/snippets/tally" "$prefix/logs" "$prefix/tmp"
# Create the temp dirs now, owned by whoever renders: the first nginx run must not create them
# for another user (platform notes 5.5: a root `nginx -t` left tmp/body owned by nobody, mode
# 0700, and a later non-root nginx answered 500 to every body over 64k).
for d in client_body fastcgi proxy uwsgi scgi; do
    mkdir -p "$prefix/tmp/$d"
    chmod 0700 "$prefix/tmp/$d"
done

if [[ "$(id -u)" == 0 ]]; then
    user_directive="user root root;"
else
    user_directive="# (rendered by $(id -un): no user directive, the workers run as the master's user)"
fi

# ---- Render -------------------------------------------------------------------------------------
# Bash 5.2 treats '&' in a ${var//pattern/replacement} replacement as the match; turn that off.
shopt -u patsub_replacement 2>/dev/null || true
conf="$(<"$template")"
conf="${conf//@USER_DIRECTIVE@/$user_directive}"
conf="${conf//@WORKERS@/$workers}"
conf="${conf//@RATE@/$rate}"
conf="${conf//@BURST@/$burst}"
conf="${conf//@PORT@/$port}"
conf="${conf//@UPSTREAM_SERVERS@/$servers}"
if [[ "$conf" =~ @[A-Z_]{2,}@ ]]; then
    die "unreplaced placeholder ${BASH_REMATCH[0]} in $template"
fi
printf '%s\n' "$conf" >"$prefix/conf/nginx.conf.tmp"
mv -f "$prefix/conf/nginx.conf.tmp" "$prefix/conf/nginx.conf"

cp -f "$fastcgi_params" "$prefix/conf/fastcgi_params"
cp -f "$snippets"/*.conf "$prefix/conf/snippets/tally/"

# ---- Certificate (kept across renders so browsers/curl pins stay valid) -------------------------
if [[ ! -s "$prefix/conf/dev.crt" || ! -s "$prefix/conf/dev.key" ]]; then
    (
        umask 077
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
            -subj '/CN=localhost' -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
            -keyout "$prefix/conf/dev.key" -out "$prefix/conf/dev.crt" 2>/dev/null
    ) || die "openssl failed to create the self-signed certificate"
    chmod 0644 "$prefix/conf/dev.crt"
fi

echo "render-nginx-dev: wrote $prefix/conf/nginx.conf (https://127.0.0.1:$port, $# upstream(s))" >&2
