# swarm-scaler service image: build the TypeScript sources, then run on a slim Node 20 base.
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20.19-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ms-framework-swarm.yaml ./
COPY bin ./bin
COPY migrations ./migrations
COPY schema ./schema
USER node
EXPOSE 9477
ENTRYPOINT ["node", "bin/swarm-scaler.js"]
CMD ["serve", "--config", "/app/ms-framework-swarm.yaml"]
