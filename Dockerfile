# assetmap web app for an organisation's server (see docker-compose.yml: Neo4j 5 + this app)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    ASSETMAP_INSTANCE=/var/lib/assetmap \
    UV_PROJECT_ENVIRONMENT=/opt/assetmap UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy \
    PATH=/opt/assetmap/bin:$PATH

RUN useradd --system --home /var/lib/assetmap --create-home assetmap
WORKDIR /app
# exactly the versions (and hashes) in uv.lock, installed by the uv requirements/uv.txt pins
COPY requirements/uv.txt requirements/uv.txt
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements/uv.txt
COPY pyproject.toml uv.lock README.md ./
COPY assetmap ./assetmap
COPY seed ./seed
COPY wsgi.py ./
RUN uv sync --locked --no-editable --no-cache && pip uninstall --yes uv

USER assetmap
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:5000/healthz').status != 200)"
CMD ["assetmap", "serve", "--host", "0.0.0.0", "--port", "5000"]
