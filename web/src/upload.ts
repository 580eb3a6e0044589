/**
 * A POST of a form whose upload progress the screen shows: `fetch` reports none, so this uses XMLHttpRequest.
 * `onProgress` gets the fraction sent (0…1) while the body goes up, then `null` once it is all sent and the server
 * is working on it. Answers the status and the parsed JSON body (an empty object when there is none).
 */
export function postWithProgress(
  url: string,
  body: FormData,
  headers: Record<string, string>,
  onProgress: (sent: number | null) => void,
): Promise<{ status: number; statusText: string; json: unknown }> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.withCredentials = true;
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(Math.min(e.loaded / e.total, 1));
    };
    request.upload.onload = () => onProgress(null);
    request.onload = () => {
      let json: unknown = {};
      try {
        json = request.responseText ? JSON.parse(request.responseText) : {};
      } catch {
        // Not JSON (a proxy's error page): the status still tells what happened.
      }
      resolve({ status: request.status, statusText: request.statusText, json });
    };
    request.onerror = () => reject(new Error('network'));
    request.ontimeout = () => reject(new Error('timeout'));
    request.send(body);
  });
}
