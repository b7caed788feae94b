# bench/lib.sh: what the wrk benchmarks (bench/auth, bench/overhead) share. Sourced, not run.
#
# The sourcing script sets `bench_name` (for its messages) and `root` (the repository) first.

say() { printf '%s\n' "$*" >&2; }
die() { say "$bench_name: $*"; exit 1; }

# wrk from Debian when it is missing, and the other tools the scripts call.
bench_require_tools() {
    if ! command -v wrk >/dev/null 2>&1; then
        say "wrk not found: installing the Debian package"
        if ! apt-get install -y wrk >/dev/null 2>&1; then
            apt-get update >/dev/null && apt-get install -y wrk >/dev/null || die "could not install wrk"
        fi
    fi
    local tool
    for tool in curl python3 ss; do
        command -v "$tool" >/dev/null 2>&1 || die "$tool is required"
    done
}

# The path of a release-built product of this package: `bench_release_product PRODUCT [OVERRIDE]`
# prints OVERRIDE when it is set, else builds PRODUCT in .build-release and prints its path.
bench_release_product() {
    local product=$1 override=${2:-}
    if [[ -n "$override" ]]; then
        [[ -x "$override" ]] || die "no executable at $override"
        printf '%s\n' "$override"
        return
    fi
    say "building $product (release, --scratch-path .build-release) ..."
    local started=$SECONDS
    swift build -c release --scratch-path "$root/.build-release" --package-path "$root" --product "$product" >&2 ||
        die "release build of $product failed"
    say "build of $product done in $((SECONDS - started)) s"
    [[ -x "$root/.build-release/release/$product" ]] || die "no executable at .build-release/release/$product"
    printf '%s\n' "$root/.build-release/release/$product"
}

# What a run measures and where: sets commit (with -dirty when the tree has changes outside
# bench/ and docs/benchmarks.md, which do not change what is measured), run_date, cpus, arch,
# cpu_model, memory, load_before and wrk_version.
bench_describe_machine() {
    commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [[ -n "$(git -C "$root" status --porcelain -- . ':(exclude)bench' ':(exclude)docs/benchmarks.md' 2>/dev/null)" ]]; then
        commit="$commit-dirty"
    fi
    run_date=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
    cpus=$(nproc)
    arch=$(uname -m)
    cpu_model=$(grep -m1 -E '^(model name|Model|cpu model)' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
    cpu_model=${cpu_model:-unknown}
    memory=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo unknown)
    # Other work on the machine (a build, tests) lowers every figure; the ratios suffer less.
    load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
    wrk_version=$(wrk --version 2>&1 | head -1 | awk '{ print $1, $2 }' || true)
}

port_in_use() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# A free port in 19000-19999 (BENCH_PORT when set, for the first caller).
bench_free_port() {
    local candidate
    for _ in $(seq 1 50); do
        candidate=$((19000 + RANDOM % 1000))
        if ! port_in_use "$candidate"; then printf '%s\n' "$candidate"; return; fi
    done
    die "no free port found in 19000-19999"
}

# Waits up to 30 s for `curl URL` to print EXPECTED while process PID lives; LOG is shown on failure.
bench_wait_for() {
    local url=$1 expected=$2 pid=$3 log=$4
    for _ in $(seq 1 150); do
        if [[ "$(curl -sf "$url" 2>/dev/null)" == "$expected" ]]; then return; fi
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "the server behind $url exited"; }
        sleep 0.2
    done
    cat "$log" >&2
    die "$url did not answer within 30 s"
}

# `Authorization: Basic base64(user:secret)`.
basic() { printf 'Authorization: Basic %s' "$(printf '%s:%s' "$1" "$2" | base64 -w0)"; }

# A process's CPU time so far (user + system), in clock ticks.
clock_ticks=$(getconf CLK_TCK)
cpu_ticks_of() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# A process's resident memory in MB.
rss_mb_of() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# The first match of a sed expression in a file (wrk's output).
field() { sed -n "$1" "$2" | head -1; }
# The median of whitespace-separated numbers on stdin.
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# The ratio of each round (two lists of per-round figures, in the same order).
round_ratios() {
    paste -d' ' <(echo "$1" | tr ' ' '\n' | grep .) <(echo "$2" | tr ' ' '\n' | grep .) |
        awk '{ if ($2 > 0) printf "%.2f ", $1 / $2 }'
}
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r != "n/a" && r + 0 >= t + 0) ? "PASS" : "BELOW" }'; }
