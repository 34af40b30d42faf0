/** Why `root` needs `npm ci` first, or undefined when its node_modules matches its lockfile. */
export function installReason(root: string): string | undefined;
