// The bundle's exports: Dashboard 2.0 reads window['ui-flink-jobs'].UIFlinkJobs (package.json, node-red-dashboard-2).
export { default as UIFlinkJobs } from './components/UIFlinkJobs.vue'
