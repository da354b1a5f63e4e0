import type { CloseKind } from '../../../shared/fleet';

/** F3: the close codes an operator needs to tell apart. */
export function classifyClose(code: number): CloseKind {
  switch (code) {
    case 1000:
      return 'normal';
    case 1001:
      return 'going_away';
    case 1006:
      return 'abnormal';
    case 1011:
      return 'server_error';
    default:
      return 'other';
  }
}
