# syntax=docker/dockerfile:1
# One image per service of docker-compose.yml:
#   docker build --build-arg MODULE=rule-service -t nydus-autoconvert/rule-service .
# MODULE is one of rule-service, registry-event-listener, conversion-worker.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# the format check and the tests belong to './autoconvert test'; this stage only needs the jars
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -Dspotless.check.skip=true \
      -pl registry-event-listener,rule-service,conversion-worker -am package

FROM eclipse-temurin:17-jre
ARG MODULE
# curl for the compose health checks
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/autoconvert --create-home autoconvert \
    && install -d -o autoconvert -g autoconvert /var/lib/autoconvert/scratch
COPY --from=build /src/${MODULE}/target/${MODULE}.jar /app/app.jar
USER autoconvert
WORKDIR /var/lib/autoconvert
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
