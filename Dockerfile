# signpost in a container: a static binary in an empty (scratch) image,
# running as an unprivileged user. Nothing is pulled: the binary is built
# on the host first, by scripts/docker-build.sh (or by hand):
#   PLATFORMS=linux/amd64 bash scripts/release.sh
#   docker build --build-arg BINARY=dist/signpost-<version>-linux-amd64 -t signpost .
#   docker run -p 53:53/udp -p 53:53/tcp -p 127.0.0.1:8053:8053 signpost
# Port 53 binds without root because Docker sets the container's
# net.ipv4.ip_unprivileged_port_start to 0. Mount your zones on
# /etc/signpost/zones and a volume on /var/lib/signpost.
FROM scratch
ARG BINARY
COPY ${BINARY} /signpost
COPY contrib/docker/signpost.yaml /etc/signpost/signpost.yaml
COPY examples/quickstart/zones/ /etc/signpost/zones/
COPY --chown=65532:65532 contrib/docker/state/ /var/lib/signpost/
COPY LICENSE NOTICE /usr/share/doc/signpost/
USER 65532:65532
WORKDIR /var/lib/signpost
VOLUME /var/lib/signpost
EXPOSE 53/udp 53/tcp 8053/tcp
STOPSIGNAL SIGTERM
ENTRYPOINT ["/signpost"]
CMD ["serve", "--config", "/etc/signpost/signpost.yaml"]
