# medins: the resident medical-insurance collection service.
#
#   docker build -t medins .
#   docker compose -f deploy/docker-compose.yml up --build
#
# Two stages on the same Debian release, so the runtime libraries match the
# headers the binary was compiled against.

ARG DEBIAN_IMAGE=debian:12-slim

# ---------------------------------------------------------------- build ----
FROM ${DEBIAN_IMAGE} AS build

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        build-essential \
        pkg-config \
        libmicrohttpd-dev \
        libjansson-dev \
        libpq-dev \
        libssl-dev \
        libxlsxwriter-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# .dockerignore keeps var/, build/, .git and other local output out of here,
# so the binary is always compiled afresh.
COPY . .
RUN make build \
 && test -x build/medins \
 && mkdir -p deploy/demo

# -------------------------------------------------------------- runtime ----
FROM ${DEBIAN_IMAGE} AS runtime

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libmicrohttpd12 \
        libjansson4 \
        libpq5 \
        libssl3 \
        libxlsxwriter4 \
        ca-certificates \
        curl \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 medins \
 && useradd --system --uid 10001 --gid medins \
        --home-dir /opt/medins --no-create-home \
        --shell /usr/sbin/nologin medins \
 && install -d -o medins -g medins -m 0750 /var/lib/medins

COPY --from=build /src/build/medins /usr/local/bin/medins
COPY --from=build /src/migrations/ /opt/medins/migrations/
COPY --from=build /src/deploy/demo/ /opt/medins/demo/

# VAR_DIR is the one writable place (generated development keys); the
# database always comes from DATABASE_URL in a container.
ENV PORT=8080 \
    MIGRATIONS_DIR=/opt/medins/migrations \
    DEMO_DIR=/opt/medins/demo \
    VAR_DIR=/var/lib/medins

WORKDIR /opt/medins
EXPOSE 8080

HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT:-8080}/healthz" > /dev/null || exit 1

USER medins
CMD ["medins"]
