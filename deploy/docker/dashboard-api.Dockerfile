# The dashboard API, wall screen and alert delivery (vn.ioc.pulse.dashboard.DashboardMain). Build context: the
# repository root, after the same Maven command as ingest.Dockerfile.
# docker build -f deploy/docker/dashboard-api.Dockerfile -t ioc-pulse/dashboard-api:0.1.0-SNAPSHOT .
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY dashboard-api/target/dashboard-api-0.1.0-SNAPSHOT.jar /app/dashboard-api.jar
COPY dashboard-api/target/lib/ /app/lib/
ENV IOC_DASHBOARD_PORT=8080 IOC_BIND_ADDRESS=0.0.0.0
EXPOSE 8080
USER 65534:65534
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/dashboard-api.jar:/app/lib/*", "vn.ioc.pulse.dashboard.DashboardMain"]
