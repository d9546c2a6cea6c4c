/** The inputs of a job selector that the job picker offers the selected cluster's jobs in. */
export interface JobPickerFields { clusterInput: JQuery; idInput: JQuery; idTypeInput: JQuery; nameInput: JQuery; }

export function attachJobPicker(_fields: JobPickerFields): void { /* replaced by the job picker */ }
