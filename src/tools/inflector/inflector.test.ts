import { describe, expect, test } from 'vitest'
import { sentenize, snakeCase } from './inflector.ts'

describe('snakeCase', () => {
  // Base names of files uploaded to PocketBase 0.40.4 and the prefix of the stored name.
  test.each([
    ['Hello World-Test', 'hello_world_test'],
    ['ÜberFile grüße', 'ber_file_gr_e'],
    ['camelCaseName', 'camel_case_name'],
    ['HTTPServer', 'httpserver'],
    ['already_snake__case', 'already_snake_case'],
    ['My.File.Name', 'my_file_name'],
    ['x-y z', 'x_y_z'],
    ['file(1)', 'file_1'],
    ['ABC', 'abc'],
    ['abcDEF', 'abc_def'],
    ['fooBarBAZ qux', 'foo_bar_baz_qux'],
    ['__init__', 'init'],
    ['日本語', ''],
    ['We__ird--Name!!', 'we_ird_name'],
    ['a1B2c3D4', 'a1_b2c3_d4'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(snakeCase(input)).toBe(expected)
  })
})

describe('sentenize', () => {
  test.each([
    ['hello world', 'Hello world.'],
    ['already done.', 'Already done.'],
    ['is it?', 'Is it?'],
    ['wow!', 'Wow!'],
    ['  padded text  ', 'Padded text.'],
    ['élan', 'Élan.'],
    ['Missing required value', 'Missing required value.'],
    ['', ''],
    ['   ', ''],
  ])('%j → %j', (input, expected) => {
    expect(sentenize(input)).toBe(expected)
  })
})
