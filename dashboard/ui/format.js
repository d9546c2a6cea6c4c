// Formatting of the table's times and paths: plain functions, so that the component holds only the view.

const pad = (number) => String(number).padStart(2, '0')

/** HH:MM:SS in the browser's time zone. */
export function clockTime (ms) {
    const date = new Date(ms)
    return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
}

/** A duration as "3d 04h", "2h 05m", "4m 09s" or "12s". */
export function duration (ms) {
    const seconds = Math.max(0, Math.floor(ms / 1000))
    const days = Math.floor(seconds / 86400)
    const hours = Math.floor((seconds % 86400) / 3600)
    const minutes = Math.floor((seconds % 3600) / 60)
    if (days > 0) return `${days}d ${pad(hours)}h`
    if (hours > 0) return `${hours}h ${pad(minutes)}m`
    if (minutes > 0) return `${minutes}m ${pad(seconds % 60)}s`
    return `${seconds}s`
}

/** The last part of a savepoint location (the folder Flink named), for a narrow cell; the whole goes in its title. */
export function shortLocation (location) {
    const parts = String(location).replace(/\/+$/, '').split('/')
    return parts[parts.length - 1] || location
}

/** The chip colour class of a Flink job state. */
export function stateClass (state) {
    switch (state) {
    case 'RUNNING': return 'fj-chip--running'
    case 'FINISHED': return 'fj-chip--finished'
    case 'FAILED':
    case 'FAILING': return 'fj-chip--failed'
    case 'RESTARTING': return 'fj-chip--restarting'
    case 'CANCELED':
    case 'CANCELLING':
    case 'SUSPENDED': return 'fj-chip--ended'
    default: return 'fj-chip--starting'
    }
}
