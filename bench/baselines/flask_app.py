"""Seed-style Flask baseline: the two benchmarked routes written the way the seed write-ups wrote
them (a Flask app behind gunicorn), plus /healthz so start-up can be timed like the other servers.

Run by bench/bench.mts as:
  python3 -m gunicorn -k gthread --workers 2 --threads 4 --bind 127.0.0.1:PORT \
      --chdir bench/baselines flask_app:app
"""

from flask import Flask, jsonify, request

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 65536  # the app's body limit


@app.get("/")
def hello():
    return jsonify(message="Hello World")


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.post("/v1/shout")
def shout():
    if not request.is_json:
        return jsonify(error="body must be application/json"), 415
    body = request.get_json(silent=True)
    if (
        not isinstance(body, dict)
        or set(body) != {"data"}
        or not isinstance(body["data"], str)
        or not 1 <= len(body["data"]) <= 10000
    ):
        return jsonify(error="body must be {data: string of 1..10000 characters}"), 400
    return jsonify(data=body["data"][::-1].upper())
