/** Scrape job of `swarm-scaler serve`; the exporter alerts and the dashboards select on it. */
export const SCRAPE_JOB = 'swarm-scaler';
