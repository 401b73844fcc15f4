/** Removes control characters from a client-supplied file name (kept only for display). */
export const cleanFileName = (name: string): string => name.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255);
