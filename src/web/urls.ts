/** The run page of a job: what Patchwork's target_url and the email link to. */
export function runPageUrl(baseUrl: string, jobId: number): string {
  return `${baseUrl.replace(/\/+$/, '')}/runs/${jobId}`;
}
