// The create-scenario hook as a PocketBase JS file (issue 9 item 6): sets a field, then saves.
onRecordCreateRequest((e) => {
  e.record.set('body', `${e.record.getString('body')} (hooked)`)
  e.next()
}, 'posts')
